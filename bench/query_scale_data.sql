-- Synthetic results for bench/query_scale: 100,000 jobs and just over
-- 1,000,000 metrics in 341 sweeps, in the shape `labq run` leaves behind:
--   200 Part 1 sweeps (6 DPU configs: a sim job, then a synth job after it),
--   1 design-space sweep dse_big (10,000 configs = 20,000 jobs),
--   100 QAT sweeps (a pretrain and 39 qat jobs, 30 epochs of curves each),
--   40 command sweeps of 1,840 jobs (the last one still running).
-- Loaded into a database labq created (so the schema is labq's own), in one
-- transaction. Ids are explicit so every run builds the same store.
BEGIN;
DELETE FROM metrics;
DELETE FROM job_texts;
DELETE FROM job_deps;
DELETE FROM jobs;
DELETE FROM sweep_tags;
DELETE FROM sweeps;

CREATE TEMP TABLE seq(i INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO seq SELECT i FROM n;

-- Sweeps.
INSERT INTO sweeps(id, name, file, source, created_at, description)
SELECT i + 1, printf('part1_%03d', i + 1), 'configs/lab2_part1.yaml', 'name: lab2_part1',
       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d minutes', i)),
       'DPU N in {8, 128} x output mode in {full, msb, lsb}'
FROM seq WHERE i < 200;
INSERT INTO sweeps(id, name, file, source, created_at, description)
VALUES (201, 'dse_big', 'configs/dse.yaml', 'name: dse_big', '2026-02-01T00:00:00.000Z',
        'design-space exploration, 10,000 DPU configurations');
INSERT INTO sweeps(id, name, file, source, created_at, description)
SELECT 202 + i, printf('qat_%03d', i + 1), 'configs/lab2_part2.yaml', 'name: qat',
       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-03-01', printf('+%d hours', i)), 'QAT results'
FROM seq WHERE i < 100;
INSERT INTO sweeps(id, name, file, source, created_at, description)
SELECT 302 + i, printf('cmd_%02d', i + 1), 'configs/cmd.yaml', 'name: cmd',
       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-04-01', printf('+%d hours', i)), 'command sweep'
FROM seq WHERE i < 40;

-- DPU configurations: 1,200 in the Part 1 sweeps (c < 1200), then 10,000 in
-- dse_big. Config c is sim job 2c+1 and synth job 2c+2.
CREATE TEMP TABLE dpu AS
SELECT i AS c,
       CASE WHEN i < 1200 THEN i / 6 + 1 ELSE 201 END AS sweep_id,
       CASE WHEN i < 1200 THEN (CASE WHEN i % 2 = 0 THEN 8 ELSE 128 END)
            ELSE 4 << (i % 6) END AS n,
       CASE (i / 2) % 3 WHEN 0 THEN 'full' WHEN 1 THEN 'msb' ELSE 'lsb' END AS mode,
       CASE WHEN i < 1200 OR i % 4 = 0 THEN 'osu018' ELSE '/pdk/lib/sky130_fd_sc_hd__tt_025C_1v80.lib' END AS liberty,
       CASE WHEN i < 1200 THEN 'auto' ELSE 1.0 + (i % 37) * 0.25 END AS period,
       CASE WHEN i >= 1200 AND i % 3 = 0 THEN 0.2 ELSE NULL END AS toggle,
       -- dse_big is partly unfinished: queued, failed and cached synth jobs.
       CASE WHEN i >= 1200 AND i % 50 = 7 THEN 'queued'
            WHEN i % 100 = 99 THEN 'failed'
            WHEN i >= 1200 AND i % 20 = 3 THEN 'cached'
            ELSE 'done' END AS synth_state,
       CASE WHEN i >= 1200 AND i % 50 = 7 THEN 'queued' ELSE 'done' END AS sim_state
FROM seq WHERE i < 11200;

-- One row per DPU job: k = 0 the sim (verify) job, k = 1 the synth job after it.
CREATE TEMP TABLE dpu_job AS
SELECT d.*, k.k, 2 * d.c + 1 + k.k AS id,
       CASE k.k WHEN 0 THEN d.sim_state ELSE d.synth_state END AS st
FROM dpu d, (SELECT 0 AS k UNION ALL SELECT 1) k;

INSERT INTO jobs(id, sweep_id, name, kind, grp, params, state, attempts, workdir, argv,
                 exit_status, error, started_at, finished_at, wall_seconds, priority, cache_key)
SELECT id, sweep_id,
       printf('dpu_c%05d_n%d_%s.%s', c, n, mode, CASE k WHEN 0 THEN 'verify' ELSE 'synth' END),
       CASE k WHEN 0 THEN 'sim' ELSE 'synth' END, 'dpu',
       json_object('n', n, 'mode', mode, 'input_bits', 8, 'out_bits', 8, 'liberty', liberty,
                   'clock_period_ns', period, 'toggle_rate', toggle, 'simulator', 'verilator',
                   'random_vectors', 200, 'verify', json('true'), 'flow', 'yosys-sta'),
       st, CASE st WHEN 'queued' THEN 0 ELSE 1 END,
       CASE st WHEN 'queued' THEN '' ELSE printf('/scratch/labq/work/s%d/dpu_c%05d', sweep_id, c) END,
       CASE WHEN st = 'queued' THEN '[]' WHEN k = 0 THEN
         '[["verilator","--cc","--exe","--build","-Wall","dpu.sv","tb.cpp"],["./obj_dir/Vtb","+vectors=200"]]'
       ELSE
         '[["yosys","-q","-l","yosys.log","-c","synth.tcl"],["sta","-no_init","-no_splash","-exit","sta.tcl"]]'
       END,
       CASE st WHEN 'failed' THEN 1 WHEN 'queued' THEN NULL ELSE 0 END,
       CASE st WHEN 'failed' THEN 'step sta exited with status 1' || char(10) || 'see sta.log' ELSE '' END,
       CASE st WHEN 'queued' THEN '' ELSE strftime('%Y-%m-%dT%H:%M:%fZ', '2026-05-01', printf('+%d seconds', id)) END,
       CASE st WHEN 'queued' THEN '' ELSE strftime('%Y-%m-%dT%H:%M:%fZ', '2026-05-01', printf('+%d seconds', id + 1)) END,
       CASE st WHEN 'queued' THEN 0 ELSE 1.5 + (c % 13) * 0.5 END,
       5 + n, CASE st WHEN 'queued' THEN '' ELSE printf('%064x', id) END
FROM dpu_job ORDER BY id;
INSERT INTO job_deps(job_id, depends_on) SELECT 2 * c + 2, 2 * c + 1 FROM dpu;

-- Sim jobs: 2 metrics; synth jobs: the 14 synth_job.cc stores, and 4 texts.
INSERT INTO metrics(job_id, name, value, unit)
SELECT id, m.name, (id % 1000) + 1, m.unit FROM dpu_job,
  (SELECT 'vectors' AS name, 'count' AS unit UNION ALL SELECT 'mismatches', 'count') m
WHERE k = 0 AND st IN ('done', 'cached') ORDER BY id;
INSERT INTO metrics(job_id, name, value, unit)
SELECT id, m.name,
       CASE m.name
         WHEN 'clock_period' THEN 1.0 + (c % 37) * 0.25
         WHEN 'slack' THEN (c % 11) * 0.05 - 0.1
         WHEN 'timing_met' THEN CASE WHEN c % 11 >= 2 THEN 1 ELSE 0 END
         WHEN 'fmax' THEN 1e9 / (1.0 + (c % 37) * 0.25)
         WHEN 'power_total' THEN 1e-4 * n * (1 + c % 7)
         ELSE (c % 997) * 1.5 + n END,
       m.unit
FROM dpu_job, (SELECT 'clock_period' AS name, 'ns' AS unit UNION ALL SELECT 'slack', 'ns'
  UNION ALL SELECT 'arrival', 'ns' UNION ALL SELECT 'area', 'um^2'
  UNION ALL SELECT 'cell_count', 'count' UNION ALL SELECT 'power_internal', 'W'
  UNION ALL SELECT 'power_switching', 'W' UNION ALL SELECT 'power_leakage', 'W'
  UNION ALL SELECT 'power_total', 'W' UNION ALL SELECT 'timing_met', 'bool'
  UNION ALL SELECT 'fmax', 'Hz' UNION ALL SELECT 'ops', 'OPS'
  UNION ALL SELECT 'ops_per_w', 'OPS/W' UNION ALL SELECT 'ops_per_mm2', 'OPS/mm^2') m
WHERE k = 1 AND st IN ('done', 'cached') ORDER BY id;
INSERT INTO job_texts(job_id, name, value)
SELECT id, t.name,
       CASE t.name
         WHEN 'power_activity' THEN CASE WHEN toggle IS NULL
           THEN 'OpenSTA default (0.1 toggles per clock on inputs)' ELSE 'global toggle rate 0.2' END
         WHEN 'period_source' THEN CASE WHEN period = 'auto' THEN 'auto (critical path)' ELSE 'sweep' END
         WHEN 'liberty' THEN liberty
         ELSE 'yosys-sta' END
FROM dpu_job, (SELECT 'power_activity' AS name UNION ALL SELECT 'period_source'
  UNION ALL SELECT 'liberty' UNION ALL SELECT 'flow') t
WHERE k = 1 AND st IN ('done', 'cached') ORDER BY id;

-- QAT sweeps: jobs 22401..26400, 40 per sweep; the first of each is the
-- pretrain job the other 39 depend on. 30 epochs x 4 curves + 6 finals.
CREATE TEMP TABLE qat_job AS
SELECT 22401 + i AS id, 202 + i / 40 AS sweep_id, i % 40 AS r FROM seq WHERE i < 4000;
INSERT INTO jobs(id, sweep_id, name, kind, grp, params, state, attempts, workdir, argv,
                 exit_status, started_at, finished_at, wall_seconds, priority)
SELECT id, sweep_id, CASE r WHEN 0 THEN 'qat.pretrain' ELSE printf('qat_r%02d.train', r) END,
       CASE r WHEN 0 THEN 'pretrain' ELSE 'qat' END, 'qat',
       json_object('mode', CASE r % 5 WHEN 0 THEN 'fp' WHEN 1 THEN 'q8' WHEN 2 THEN 'q4'
                   WHEN 3 THEN 'nested' ELSE 'naive' END, 'epochs', 30, 'pretrain_epochs', 10,
                   'lr', 0.001 * (1 + r % 3), 'seed', r, 'dataset', 'mnist', 'batch', 128),
       'done', 1, printf('/scratch/labq/work/q%d/r%02d', sweep_id, r),
       '[["labqat","--config","train.json","--out","metrics.jsonl"]]', 0,
       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-06-01', printf('+%d minutes', id)),
       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-06-01', printf('+%d minutes', id + 1)), 55.0, 1000
FROM qat_job ORDER BY id;
INSERT INTO job_deps(job_id, depends_on) SELECT id, id - r FROM qat_job WHERE r > 0;
INSERT INTO metrics(job_id, name, value, unit)
SELECT q.id, printf('epoch_%d.%s', e.i + 1, c.name), 90 + (q.id + e.i) % 10 * 0.1, c.unit
FROM qat_job q, (SELECT i FROM seq WHERE i < 30) e,
  (SELECT 'acc8' AS name, '%' AS unit UNION ALL SELECT 'acc4', '%'
   UNION ALL SELECT 'loss', '' UNION ALL SELECT 'seconds', 's') c
ORDER BY q.id;
INSERT INTO metrics(job_id, name, value, unit)
SELECT q.id, c.name, 97 + q.id % 3 * 0.1, c.unit
FROM qat_job q, (SELECT 'acc_fp' AS name, '%' AS unit UNION ALL SELECT 'acc8', '%'
  UNION ALL SELECT 'acc4', '%' UNION ALL SELECT 'train_seconds', 's'
  UNION ALL SELECT 'images_per_s', 'images/s' UNION ALL SELECT 'params', '') c
ORDER BY q.id;
INSERT INTO job_texts(job_id, name, value)
SELECT id, 'torch', 'libtorch 2.1.2' FROM qat_job;

-- Command sweeps: jobs 26401..100000, 1,840 per sweep. 1 in 97 failed; the
-- last sweep is half done (two running, the rest queued).
CREATE TEMP TABLE cmd_job AS
SELECT 26401 + i AS id, 302 + i / 1840 AS sweep_id, i % 1840 AS r,
       CASE WHEN i / 1840 = 39 AND i % 1840 >= 922 THEN 'queued'
            WHEN i / 1840 = 39 AND i % 1840 >= 920 THEN 'running'
            WHEN i % 97 = 5 THEN 'failed' ELSE 'done' END AS st
FROM seq WHERE i < 73600;
INSERT INTO jobs(id, sweep_id, name, kind, grp, params, state, attempts, workdir, argv,
                 exit_status, error, started_at, finished_at, wall_seconds, owner, pid)
SELECT id, sweep_id, printf('run_i%04d', r), 'command', 'run',
       json_object('argv', json_array('python3', 'train.py', '--seed', r), 'i', r),
       st, CASE st WHEN 'queued' THEN 0 ELSE 1 END,
       CASE st WHEN 'queued' THEN '' ELSE printf('/scratch/labq/work/c%d/run_i%04d', sweep_id, r) END,
       CASE st WHEN 'queued' THEN '[]' ELSE json_array(json_array('python3', 'train.py', '--seed', r)) END,
       CASE st WHEN 'failed' THEN 2 WHEN 'done' THEN 0 ELSE NULL END,
       CASE st WHEN 'failed' THEN 'step 1 exited with status 2' ELSE '' END,
       CASE st WHEN 'queued' THEN '' ELSE strftime('%Y-%m-%dT%H:%M:%fZ', '2026-07-01', printf('+%d seconds', id)) END,
       CASE WHEN st IN ('queued', 'running') THEN '' ELSE strftime('%Y-%m-%dT%H:%M:%fZ', '2026-07-01', printf('+%d seconds', id + 1)) END,
       CASE st WHEN 'queued' THEN 0 ELSE 0.8 END,
       CASE st WHEN 'running' THEN '4242:123456' ELSE '' END,
       CASE st WHEN 'running' THEN 4242 + r ELSE NULL END
FROM cmd_job ORDER BY id;
INSERT INTO metrics(job_id, name, value, unit)
SELECT c.id, m.name, (c.id % 100) * 0.01, m.unit
FROM cmd_job c, (SELECT 'loss' AS name, '' AS unit UNION ALL SELECT 'accuracy', '%'
  UNION ALL SELECT 'seconds', 's' UNION ALL SELECT 'peak_rss', 'MiB'
  UNION ALL SELECT 'throughput', 'items/s') m
WHERE c.st = 'done' ORDER BY c.id;

DROP TABLE seq;
DROP TABLE dpu;
DROP TABLE dpu_job;
DROP TABLE qat_job;
DROP TABLE cmd_job;
COMMIT;
