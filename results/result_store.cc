#include "results/result_store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>

#include "common/error.h"
#include "results/job_state.h"
#include "results/sweep_lookup.h"

namespace labq {
namespace {

/// Each entry moves the schema one version up; never edit a shipped entry,
/// append a new one.
constexpr std::array kMigrations = {
    R"sql(
CREATE TABLE sweeps(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  file TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
CREATE TABLE jobs(
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  grp TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN
    ('queued', 'running', 'done', 'failed', 'skipped', 'cancelled', 'cached')),
  attempts INTEGER NOT NULL DEFAULT 0,
  workdir TEXT NOT NULL DEFAULT '',
  argv TEXT NOT NULL DEFAULT '[]',
  exit_status INTEGER,
  signal INTEGER,
  error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT '',
  wall_seconds REAL NOT NULL DEFAULT 0,
  UNIQUE (sweep_id, name));
CREATE INDEX jobs_by_state ON jobs(sweep_id, state);
CREATE TABLE job_deps(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  depends_on INTEGER NOT NULL REFERENCES jobs(id),
  PRIMARY KEY (job_id, depends_on));
CREATE TABLE metrics(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  name TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (job_id, name));
CREATE TABLE job_texts(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_id, name));
)sql",
    // 2: critical-path-first scheduling.
    "ALTER TABLE jobs ADD COLUMN priority REAL NOT NULL DEFAULT 0;",
    // 3: the daemon: owners, cancel requests, retry backoff, cache, resources.
    R"sql(
ALTER TABLE jobs ADD COLUMN resources TEXT NOT NULL DEFAULT '{}';
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN pid INTEGER;
ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN not_before REAL NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cache_key TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN cached_from INTEGER;
ALTER TABLE sweeps ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sweeps ADD COLUMN no_cache INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_by_cache_key ON jobs(cache_key) WHERE cache_key != '';
)sql",
    // 4: a claim walks the queue in priority order; skips follow dependents.
    R"sql(
CREATE INDEX jobs_queue ON jobs(state, priority DESC, id);
CREATE INDEX job_deps_by_dependency ON job_deps(depends_on);
)sql",
    // 5: a `timeout` state, and jobs run by an external executor (SLURM).
    // SQLite cannot alter a CHECK constraint: the table is rebuilt (foreign
    // keys are off during migrations and checked before the commit).
    R"sql(
CREATE TABLE jobs_v5(
  id INTEGER PRIMARY KEY,
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  grp TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN
    ('queued', 'running', 'done', 'failed', 'skipped', 'cancelled', 'cached', 'timeout')),
  attempts INTEGER NOT NULL DEFAULT 0,
  workdir TEXT NOT NULL DEFAULT '',
  argv TEXT NOT NULL DEFAULT '[]',
  exit_status INTEGER,
  signal INTEGER,
  error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT '',
  wall_seconds REAL NOT NULL DEFAULT 0,
  priority REAL NOT NULL DEFAULT 0,
  resources TEXT NOT NULL DEFAULT '{}',
  owner TEXT NOT NULL DEFAULT '',
  pid INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  not_before REAL NOT NULL DEFAULT 0,
  cache_key TEXT NOT NULL DEFAULT '',
  cached_from INTEGER,
  executor TEXT NOT NULL DEFAULT '{}',
  external_id TEXT NOT NULL DEFAULT '',
  UNIQUE (sweep_id, name));
INSERT INTO jobs_v5(id, sweep_id, name, kind, grp, params, state, attempts, workdir, argv,
  exit_status, signal, error, created_at, started_at, finished_at, wall_seconds, priority,
  resources, owner, pid, cancel_requested, not_before, cache_key, cached_from)
SELECT id, sweep_id, name, kind, grp, params, state, attempts, workdir, argv, exit_status, signal,
  error, created_at, started_at, finished_at, wall_seconds, priority, resources, owner, pid,
  cancel_requested, not_before, cache_key, cached_from FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v5 RENAME TO jobs;
CREATE INDEX jobs_by_state ON jobs(sweep_id, state);
CREATE INDEX jobs_by_cache_key ON jobs(cache_key) WHERE cache_key != '';
CREATE INDEX jobs_queue ON jobs(state, priority DESC, id);
)sql",
    // 6: sweeps for people: description, a note and tags (results/sweep_admin.cc).
    R"sql(
ALTER TABLE sweeps ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE sweeps ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE TABLE sweep_tags(
  sweep_id INTEGER NOT NULL REFERENCES sweeps(id),
  tag TEXT NOT NULL,
  PRIMARY KEY (sweep_id, tag));
)sql",
    // 7: how many runners in a row died while this job was theirs (crash-loop guard).
    "ALTER TABLE jobs ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;",
    // 8: reads at scale (bench/query_scale: 100,000 jobs). A sweep's jobs in id
    // order (a job list page stops after its LIMIT instead of sorting the
    // sweep), and one kind's jobs (the dpu and qat tables) without a scan.
    R"sql(
CREATE INDEX jobs_by_sweep ON jobs(sweep_id);
CREATE INDEX jobs_by_kind ON jobs(kind, sweep_id);
)sql",
    // 9: a job's metrics and texts stored together, in (job_id, name) order
    // (WITHOUT ROWID: the primary key is the table, not an index beside it),
    // so a table of 10,000 jobs reads them in one range scan per job instead
    // of an index seek and a row fetch per value: 3x faster, 30 % smaller.
    // `seq` keeps the order a job reported its metrics in (it was the rowid).
    R"sql(
CREATE TABLE metrics_v9(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  name TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT NOT NULL,
  seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, name)) WITHOUT ROWID;
INSERT INTO metrics_v9(job_id, name, value, unit, seq)
SELECT job_id, name, value, unit, rowid FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_v9 RENAME TO metrics;
CREATE TABLE job_texts_v9(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_id, name)) WITHOUT ROWID;
INSERT INTO job_texts_v9(job_id, name, value) SELECT job_id, name, value FROM job_texts;
DROP TABLE job_texts;
ALTER TABLE job_texts_v9 RENAME TO job_texts;
)sql",
};

constexpr const char* kJobColumns =
    "j.id, j.sweep_id, s.name, j.name, j.kind, j.grp, j.params, j.state, j.attempts, j.workdir, "
    "j.argv, j.exit_status, j.signal, j.error, j.started_at, j.finished_at, j.wall_seconds, "
    "j.resources, j.owner, j.pid, j.cancel_requested, j.cache_key, j.cached_from, s.limits, "
    "j.executor, j.external_id, j.crashes";

constexpr const char* kDependsOn =
    "SELECT depends_on FROM job_deps WHERE job_id = ? ORDER BY depends_on";

std::string Now() { return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"; }

/// Finished without a result: a job depending on it can never run.
bool FinishedWithoutResult(JobState s) { return IsFinal(s) && !IsSuccess(s); }

/// A dependency in one of these states may still (or did) produce a result,
/// so a dependent skipped earlier is worth queueing again.
bool MayStillSucceed(JobState s) { return s == JobState::kQueued || IsSuccess(s); }

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ResultStore::ResultStore(const std::string& path) : db_(path) { Migrate(); }

ResultStore::ResultStore(const std::string& path, sql::Access access) : db_(path, access) {
  RequireCurrentSchema();
}

std::unique_ptr<ResultStore> ResultStore::OpenReadOnly(const std::string& path) {
  return std::unique_ptr<ResultStore>(new ResultStore(path, sql::Access::kReadOnly));
}

void ResultStore::RequireCurrentSchema() {
  std::lock_guard lock(mutex_);
  sql::Statement version(db_, "PRAGMA user_version");
  version.Step();
  const int64_t current = version.Int(0);
  version.Reset();
  if (current == SchemaVersion()) return;
  if (current == 0) throw Error(db_.path() + ": is not a labq results database");
  throw Error(db_.path() + ": results database has schema version " + std::to_string(current) +
              "; this labq reads version " + std::to_string(SchemaVersion()) +
              (current < SchemaVersion()
                   ? " (labq run, labq submit or labd upgrade it; a read command never writes)"
                   : " (use a newer labq)"));
}

int ResultStore::SchemaVersion() { return static_cast<int>(kMigrations.size()); }

void ResultStore::Migrate() {
  std::lock_guard lock(mutex_);
  // Table rebuilds need foreign keys off; they can only change outside a transaction.
  db_.Exec("PRAGMA foreign_keys=OFF");
  sql::Transaction tx(db_);
  sql::Statement version(db_, "PRAGMA user_version");
  version.Step();
  const int64_t current = version.Int(0);
  version.Reset();
  if (current > SchemaVersion()) {
    throw Error(db_.path() + ": results database has schema version " + std::to_string(current) +
                ", newer than this labq (" + std::to_string(SchemaVersion()) + ")");
  }
  if (current == SchemaVersion()) {
    // Up to date: write nothing, so opening works on a full disk too.
    tx.Commit();
    db_.Exec("PRAGMA foreign_keys=ON");
    return;
  }
  for (int64_t v = current; v < SchemaVersion(); ++v) db_.Exec(kMigrations[v]);
  db_.Exec("PRAGMA user_version = " + std::to_string(SchemaVersion()));
  sql::Statement check(db_, "PRAGMA foreign_key_check");
  if (check.Step()) throw Error(db_.path() + ": migration broke a foreign key; nothing changed");
  check.Reset();
  tx.Commit();
  db_.Exec("PRAGMA foreign_keys=ON");
}

int64_t ResultStore::AddSweep(const Sweep& sweep, bool no_cache) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  sql::Statement insert_sweep(
      db_,
      "INSERT INTO sweeps(name, file, source, limits, no_cache, description) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  insert_sweep.Bind(1, sweep.name)
      .Bind(2, sweep.file)
      .Bind(3, sweep.source_text)
      .Bind(4, sweep.limits.dump())
      .Bind(5, no_cache ? 1 : 0)
      .Bind(6, sweep.description)
      .Run();
  const int64_t sweep_id = db_.LastInsertId();
  std::map<std::string, int64_t> ids;
  // Priority = own cost + the most expensive chain of dependents after it.
  std::map<std::string, std::vector<const JobSpec*>> dependents;
  for (const auto& job : sweep.jobs) {
    for (const auto& dep : job.depends_on) dependents[dep].push_back(&job);
  }
  std::map<std::string, double> priority;
  std::function<double(const JobSpec&, size_t)> chain = [&](const JobSpec& job, size_t depth) {
    if (depth > sweep.jobs.size()) throw Error("dependency cycle through " + job.name);
    auto it = priority.find(job.name);
    if (it != priority.end()) return it->second;
    double after = 0;
    for (const JobSpec* d : dependents[job.name]) after = std::max(after, chain(*d, depth + 1));
    return priority[job.name] = job.cost_estimate + after;
  };
  sql::Statement insert_job(db_,
                            "INSERT INTO jobs(sweep_id, name, kind, grp, params, state, priority, "
                            "resources, executor) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)");
  for (const auto& job : sweep.jobs) {
    insert_job.Bind(1, sweep_id)
        .Bind(2, job.name)
        .Bind(3, job.kind)
        .Bind(4, job.group)
        .Bind(5, job.params.dump())
        .Bind(6, chain(job, 0))
        .Bind(7, job.resources.dump())
        .Bind(8, job.executor.dump());
    insert_job.Run();
    ids[job.name] = db_.LastInsertId();
  }
  sql::Statement insert_dep(db_, "INSERT INTO job_deps(job_id, depends_on) VALUES (?, ?)");
  for (const auto& job : sweep.jobs) {
    for (const auto& dep : job.depends_on) {
      auto it = ids.find(dep);
      if (it == ids.end()) throw Error("job " + job.name + " depends on unknown job " + dep);
      insert_dep.Bind(1, ids[job.name]).Bind(2, it->second).Run();
    }
  }
  tx.Commit();
  return sweep_id;
}

int ResultStore::SkipBlocked(std::optional<int64_t> sweep_id) {
  // Driven from the unfinished-for-good jobs of the sweeps that still have
  // queued jobs (a dependency is always in its dependent's sweep), through
  // jobs_by_state and the job_deps index; CROSS JOIN keeps that order. The
  // dependents are then found by id: `+state` stops SQLite from walking every
  // queued job through jobs_queue to test it against the list, which cost
  // O(queue) per claim (3 ms at 10,000 queued) and made labd slower the
  // longer the sweep. Finished sweeps' failed and cancelled jobs cost nothing.
  // Repeated so a skip propagates down a chain.
  static const std::string blocked =
      "SELECT jd.job_id FROM sweeps s CROSS JOIN jobs d ON d.sweep_id = s.id CROSS JOIN job_deps "
      "jd ON jd.depends_on = d.id WHERE (?1 IS NULL OR s.id = ?1) AND EXISTS (SELECT 1 FROM jobs "
      "q WHERE q.sweep_id = s.id AND q.state = 'queued') AND d.state IN (" +
      SqlStateList(FinishedWithoutResult) + ")";
  sql::Statement skip(
      db_, "UPDATE jobs SET state = 'skipped', finished_at = " + Now() +
               ", error = 'dependency ' || (SELECT d.name FROM job_deps jd JOIN jobs d ON d.id = "
               "jd.depends_on WHERE jd.job_id = jobs.id AND d.state IN (" +
               SqlStateList(FinishedWithoutResult) +
               ") LIMIT 1) || ' did not finish' WHERE id IN (" + blocked +
               ") AND +state = 'queued'");
  int total = 0;
  while (true) {
    skip.Bind(1, sweep_id).Run();
    const int changed = db_.Changes();
    if (changed == 0) return total;
    total += changed;
  }
}

std::optional<JobRecord> ResultStore::ClaimRunnable(int64_t sweep_id,
                                                    const std::string& workdir_root) {
  return Claim({sweep_id, workdir_root, "", {}});
}

std::optional<JobRecord> ResultStore::Claim(const ClaimRequest& request) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  SkipBlocked(request.sweep_id);
  static const std::string kPick =
      "SELECT j.id FROM jobs j WHERE (?1 IS NULL OR j.sweep_id = ?1) AND j.state = 'queued' AND "
      "j.not_before <= ?2 AND NOT EXISTS (SELECT 1 FROM job_deps jd JOIN jobs d ON d.id = "
      "jd.depends_on WHERE jd.job_id = j.id AND d.state NOT IN (" +
      SqlStateList(IsSuccess) + ")) ORDER BY j.priority DESC, j.id";
  sql::Statement pick(db_, kPick);
  pick.Bind(1, request.sweep_id).Bind(2, UnixNow());
  std::optional<int64_t> chosen;
  while (pick.Step()) {
    const int64_t id = pick.Int(0);
    if (!request.admit) {
      chosen = id;
      break;
    }
    auto candidate = JobLocked(id);
    if (candidate && request.admit(*candidate)) {
      chosen = id;
      break;
    }
  }
  pick.Reset();
  if (!chosen) {
    tx.Commit();
    return std::nullopt;
  }
  sql::Statement claim(
      db_, "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = " + Now() +
               ", owner = ?, pid = NULL, external_id = '', workdir = ? || '/' || (SELECT name FROM "
               "sweeps WHERE id = sweep_id) || '-' || sweep_id || '/' || name WHERE id "
               "= ? AND state = 'queued'");
  claim.Bind(1, request.owner).Bind(2, request.workdir_root).Bind(3, *chosen).Run();
  tx.Commit();
  return JobLocked(*chosen);
}

bool ResultStore::FinishJob(int64_t job_id, const JobCompletion& c, std::optional<int> attempt) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  // With `attempt`, only that attempt may finish the job, and only once.
  sql::Statement update(db_,
                        "UPDATE jobs SET state = ?, argv = ?, exit_status = ?, signal = ?, "
                        "error = ?, wall_seconds = ?, owner = '', pid = NULL, cache_key = ?8, "
                        "crashes = 0, finished_at = " +
                            Now() +
                            " WHERE id = ?7 AND (?9 IS NULL OR (state = 'running' AND attempts = "
                            "?9))");
  update.Bind(1, ToString(c.state))
      .Bind(2, c.argv.dump())
      .Bind(3, c.exit_status)
      .Bind(4, c.signal)
      .Bind(5, c.error)
      .Bind(6, c.wall_seconds)
      .Bind(7, job_id)
      .Bind(8, c.cache_key)
      .Bind(9, attempt ? std::optional<int64_t>(*attempt) : std::nullopt)
      .Run();
  if (db_.Changes() == 0) return false;  // rolled back: someone else settled this attempt
  // A retried job replaces what an earlier attempt stored.
  sql::Statement clear_metrics(db_, "DELETE FROM metrics WHERE job_id = ?");
  clear_metrics.Bind(1, job_id).Run();
  sql::Statement clear_texts(db_, "DELETE FROM job_texts WHERE job_id = ?");
  clear_texts.Bind(1, job_id).Run();
  sql::Statement metric(
      db_, "INSERT INTO metrics(job_id, name, value, unit, seq) VALUES (?, ?, ?, ?, ?)");
  int64_t seq = 0;
  for (const auto& m : c.metrics) {
    metric.Bind(1, job_id).Bind(2, m.name).Bind(3, m.value).Bind(4, m.unit).Bind(5, ++seq).Run();
  }
  sql::Statement text(db_, "INSERT INTO job_texts(job_id, name, value) VALUES (?, ?, ?)");
  for (const auto& [name, value] : c.texts) text.Bind(1, job_id).Bind(2, name).Bind(3, value).Run();
  tx.Commit();
  return true;
}

int ResultStore::RecordCrash(int64_t job_id) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  sql::Statement update(db_, "UPDATE jobs SET crashes = crashes + 1 WHERE id = ?");
  update.Bind(1, job_id).Run();
  sql::Statement q(db_, "SELECT crashes FROM jobs WHERE id = ?");
  q.Bind(1, job_id);
  const int crashes = q.Step() ? static_cast<int>(q.Int(0)) : 0;
  q.Reset();
  tx.Commit();
  return crashes;
}

void ResultStore::Requeue(int64_t job_id, const std::string& reason, double delay_seconds) {
  std::lock_guard lock(mutex_);
  sql::Statement update(db_,
                        "UPDATE jobs SET state = 'queued', error = ?, owner = '', pid = NULL, "
                        "cancel_requested = 0, not_before = ? WHERE id = ?");
  update.Bind(1, reason).Bind(2, UnixNow() + delay_seconds).Bind(3, job_id).Run();
}

void ResultStore::SetExternalId(int64_t job_id, const std::string& external_id) {
  std::lock_guard lock(mutex_);
  sql::Statement update(db_, "UPDATE jobs SET external_id = ? WHERE id = ?");
  update.Bind(1, external_id).Bind(2, job_id).Run();
}

bool ResultStore::Adopt(int64_t job_id, const std::string& old_owner, const std::string& owner) {
  std::lock_guard lock(mutex_);
  sql::Statement update(
      db_, "UPDATE jobs SET owner = ? WHERE id = ? AND owner = ? AND state = 'running'");
  update.Bind(1, owner).Bind(2, job_id).Bind(3, old_owner).Run();
  return db_.Changes() == 1;
}

void ResultStore::SetPid(int64_t job_id, int64_t pid) {
  std::lock_guard lock(mutex_);
  sql::Statement update(db_, "UPDATE jobs SET pid = ? WHERE id = ? AND state = 'running'");
  update.Bind(1, pid).Bind(2, job_id).Run();
}

int ResultStore::RequestCancel(std::optional<int64_t> sweep_id, std::optional<int64_t> job_id) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  const std::string where = "(?1 IS NULL OR sweep_id = ?1) AND (?2 IS NULL OR id = ?2)";
  sql::Statement queued(db_, "UPDATE jobs SET state = 'cancelled', finished_at = " + Now() +
                                 ", error = 'cancelled by the user' WHERE state = 'queued' AND " +
                                 where);
  queued.Bind(1, sweep_id).Bind(2, job_id).Run();
  int changed = db_.Changes();
  sql::Statement running(
      db_, "UPDATE jobs SET cancel_requested = 1 WHERE state = 'running' AND " + where);
  running.Bind(1, sweep_id).Bind(2, job_id).Run();
  changed += db_.Changes();
  tx.Commit();
  return changed;
}

std::vector<int64_t> ResultStore::CancelRequests() {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT id FROM jobs WHERE state = 'running' AND cancel_requested = 1");
  std::vector<int64_t> out;
  while (q.Step()) out.push_back(q.Int(0));
  return out;
}

int ResultStore::Retry(std::optional<int64_t> sweep_id, std::optional<int64_t> job_id) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  sql::Statement retry(db_,
                       "UPDATE jobs SET state = 'queued', error = '', cancel_requested = 0, "
                       "not_before = 0, owner = '', pid = NULL, crashes = 0 WHERE state IN (" +
                           SqlStateList(FinishedWithoutResult) +
                           ") AND (?1 IS NULL OR sweep_id = ?1) AND (?2 IS NULL OR id = ?2)");
  retry.Bind(1, sweep_id).Bind(2, job_id).Run();
  int changed = db_.Changes();
  // Dependents that were skipped because of these jobs get another chance too.
  sql::Statement revive(db_,
                        "UPDATE jobs SET state = 'queued', error = '' WHERE state = 'skipped' AND "
                        "EXISTS (SELECT 1 FROM job_deps jd JOIN jobs d ON d.id = jd.depends_on "
                        "WHERE jd.job_id = jobs.id AND d.state IN (" +
                            SqlStateList(MayStillSucceed) + "))");
  while (true) {
    revive.Run();
    if (db_.Changes() == 0) break;
    changed += db_.Changes();
  }
  tx.Commit();
  return changed;
}

std::vector<JobRecord> ResultStore::RunningJobs() {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, std::string("SELECT ") + kJobColumns +
                            " FROM jobs j JOIN sweeps s ON s.id = j.sweep_id WHERE j.state = "
                            "'running' ORDER BY j.id");
  std::vector<JobRecord> out;
  while (q.Step()) out.push_back(ReadJob(q));
  return out;
}

std::optional<int64_t> ResultStore::FindCacheHit(const std::string& cache_key) {
  std::lock_guard lock(mutex_);
  // `cache_key != ''` lets SQLite use the partial index jobs_by_cache_key
  // (it cannot prove that of a bound `?`); without it the lookup walked every
  // done job through jobs_queue, once per job claimed: O(done) each.
  sql::Statement q(db_,
                   "SELECT id FROM jobs WHERE cache_key = ?1 AND cache_key != '' AND state = "
                   "'done' ORDER BY id DESC LIMIT 1");
  q.Bind(1, cache_key);
  if (!q.Step()) return std::nullopt;
  return q.Int(0);
}

void ResultStore::MarkCached(int64_t job_id, int64_t from_job_id, const std::string& cache_key) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  sql::Statement update(
      db_,
      "UPDATE jobs SET state = 'cached', cached_from = ?1, cache_key = ?2, owner = '', pid = "
      "NULL, finished_at = " +
          Now() +
          ", workdir = (SELECT workdir FROM jobs WHERE id = ?1), argv = (SELECT argv FROM "
          "jobs WHERE id = ?1), exit_status = (SELECT exit_status FROM jobs WHERE id = ?1) "
          "WHERE id = ?3");
  update.Bind(1, from_job_id).Bind(2, cache_key).Bind(3, job_id).Run();
  for (const char* table : {"metrics", "job_texts"}) {
    sql::Statement clear(db_, std::string("DELETE FROM ") + table + " WHERE job_id = ?");
    clear.Bind(1, job_id).Run();
  }
  sql::Statement metrics(db_,
                         "INSERT INTO metrics(job_id, name, value, unit, seq) SELECT ?, name, "
                         "value, unit, seq FROM metrics WHERE job_id = ?");
  metrics.Bind(1, job_id).Bind(2, from_job_id).Run();
  sql::Statement texts(db_,
                       "INSERT INTO job_texts(job_id, name, value) SELECT ?, name, value FROM "
                       "job_texts WHERE job_id = ?");
  texts.Bind(1, job_id).Bind(2, from_job_id).Run();
  tx.Commit();
}

bool ResultStore::SweepNoCache(int64_t sweep_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT no_cache FROM sweeps WHERE id = ?");
  q.Bind(1, sweep_id);
  return q.Step() && q.Int(0) != 0;
}

bool ResultStore::HasDelayedJobs(int64_t sweep_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_,
                   "SELECT 1 FROM jobs WHERE sweep_id = ? AND state = 'queued' AND not_before > ? "
                   "LIMIT 1");
  q.Bind(1, sweep_id).Bind(2, UnixNow());
  return q.Step();
}

std::vector<SweepRecord> ResultStore::Sweeps() {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT id, name, file, created_at FROM sweeps ORDER BY id");
  std::vector<SweepRecord> out;
  while (q.Step()) out.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3)});
  return out;
}

std::optional<SweepRecord> ResultStore::FindSweep(const std::string& name_or_id) {
  std::lock_guard lock(mutex_);
  const auto id = FindSweepId(db_, name_or_id);  // results/sweep_lookup.h
  if (!id) return std::nullopt;
  sql::Statement q(db_, "SELECT id, name, file, created_at FROM sweeps WHERE id = ?");
  q.Bind(1, *id);
  if (!q.Step()) return std::nullopt;
  return SweepRecord{q.Int(0), q.Text(1), q.Text(2), q.Text(3)};
}

JobRecord ResultStore::ReadJob(sql::Statement& q) {
  sql::Statement deps(db_, kDependsOn);
  return ReadJob(q, deps);
}

JobRecord ResultStore::ReadJob(sql::Statement& q, sql::Statement& deps) {
  JobRecord r;
  r.id = q.Int(0);
  r.sweep_id = q.Int(1);
  r.sweep_name = q.Text(2);
  r.name = q.Text(3);
  r.kind = q.Text(4);
  r.group = q.Text(5);
  r.params = nlohmann::json::parse(q.Text(6));
  r.state = StoredJobState(q.Text(7));
  r.attempts = static_cast<int>(q.Int(8));
  r.workdir = q.Text(9);
  r.argv = nlohmann::json::parse(q.Text(10));
  if (!q.IsNull(11)) r.exit_status = q.Int(11);
  if (!q.IsNull(12)) r.signal = q.Int(12);
  r.error = q.Text(13);
  r.started_at = q.Text(14);
  r.finished_at = q.Text(15);
  r.wall_seconds = q.Double(16);
  r.resources = nlohmann::json::parse(q.Text(17));
  r.owner = q.Text(18);
  if (!q.IsNull(19)) r.pid = q.Int(19);
  r.cancel_requested = q.Int(20) != 0;
  r.cache_key = q.Text(21);
  if (!q.IsNull(22)) r.cached_from = q.Int(22);
  r.sweep_limits = nlohmann::json::parse(q.Text(23));
  r.executor = nlohmann::json::parse(q.Text(24));
  r.external_id = q.Text(25);
  r.crashes = static_cast<int>(q.Int(26));
  deps.Bind(1, r.id);
  while (deps.Step()) r.depends_on.push_back(deps.Int(0));
  deps.Reset();
  return r;
}

std::optional<JobRecord> ResultStore::JobLocked(int64_t id) {
  sql::Statement q(db_, std::string("SELECT ") + kJobColumns +
                            " FROM jobs j JOIN sweeps s ON s.id = j.sweep_id WHERE j.id = ?");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  return ReadJob(q);
}

std::optional<JobRecord> ResultStore::Job(int64_t id) {
  std::lock_guard lock(mutex_);
  return JobLocked(id);
}

std::vector<JobRecord> ResultStore::Jobs(std::optional<int64_t> sweep_id,
                                         std::optional<JobState> state) {
  std::lock_guard lock(mutex_);
  // Plain terms for the filters that are set, so SQLite can use an index.
  std::string where;
  if (sweep_id) where += " AND j.sweep_id = ?1";
  if (state) where += " AND j.state = ?2";
  sql::Statement q(db_, std::string("SELECT ") + kJobColumns +
                            " FROM jobs j JOIN sweeps s ON s.id = j.sweep_id WHERE 1" + where +
                            " ORDER BY j.id");
  if (sweep_id) q.Bind(1, *sweep_id);
  if (state) q.Bind(2, ToString(*state));
  sql::Statement deps(db_, kDependsOn);
  std::vector<JobRecord> out;
  while (q.Step()) out.push_back(ReadJob(q, deps));
  return out;
}

std::optional<JobRecord> ResultStore::FindJob(const std::string& name_or_id,
                                              std::optional<int64_t> sweep_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_,
                   "SELECT j.id FROM jobs j WHERE (CAST(j.id AS TEXT) = ? OR j.name = ?) AND (? IS "
                   "NULL OR j.sweep_id = ?) ORDER BY (CAST(j.id AS TEXT) = ?) DESC, j.id DESC "
                   "LIMIT 1");
  q.Bind(1, name_or_id).Bind(2, name_or_id).Bind(3, sweep_id).Bind(4, sweep_id).Bind(5, name_or_id);
  if (!q.Step()) return std::nullopt;
  const int64_t id = q.Int(0);
  return JobLocked(id);
}

std::vector<MetricRecord> ResultStore::Metrics(int64_t job_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_,
                   "SELECT name, value, unit FROM metrics WHERE job_id = ? ORDER BY seq, name");
  q.Bind(1, job_id);
  std::vector<MetricRecord> out;
  while (q.Step()) out.push_back({q.Text(0), q.Double(1), q.Text(2)});
  return out;
}

std::map<std::string, std::string> ResultStore::Texts(int64_t job_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT name, value FROM job_texts WHERE job_id = ?");
  q.Bind(1, job_id);
  std::map<std::string, std::string> out;
  while (q.Step()) out[q.Text(0)] = q.Text(1);
  return out;
}

std::map<std::string, int> ResultStore::CountsByKind(int64_t sweep_id, JobState state) {
  std::lock_guard lock(mutex_);
  sql::Statement q(
      db_, "SELECT kind, COUNT(*) FROM jobs WHERE sweep_id = ? AND state = ? GROUP BY kind");
  q.Bind(1, sweep_id).Bind(2, ToString(state));
  std::map<std::string, int> out;
  while (q.Step()) out[q.Text(0)] = static_cast<int>(q.Int(1));
  return out;
}

SweepCounts ResultStore::Counts(int64_t sweep_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT state, COUNT(*) FROM jobs WHERE sweep_id = ? GROUP BY state");
  q.Bind(1, sweep_id);
  SweepCounts counts;
  while (q.Step()) {
    counts.by_state[StoredJobState(q.Text(0))] = static_cast<int>(q.Int(1));
    counts.total += static_cast<int>(q.Int(1));
  }
  return counts;
}

int64_t ResultStore::VmSteps() {
  std::lock_guard lock(mutex_);
  return db_.VmSteps();
}

}  // namespace labq
