#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/lab2_export.h"
#include "cli/progress_printer.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "genus/report_kind.h"
#include "orchestrator/daemon.h"
#include "orchestrator/job_execution.h"
#include "orchestrator/scheduler.h"
#include "results/dpu_table.h"
#include "results/qat_table.h"
#include "results/result_store.h"
#include "sweep/sweep_parser.h"
#include "yosys_sta/report_kind.h"

namespace labq {
namespace {

/// 0 when every job of the sweep ended done or cached, else 1.
int SweepExitCode(const SweepCounts& c) {
  return c.Count("done") + c.Count("cached") == c.total ? 0 : 1;
}

std::atomic<bool>* g_cancel_flag = nullptr;

extern "C" void OnInterrupt(int) {
  if (g_cancel_flag) g_cancel_flag->store(true);
}

std::string DefaultDb() {
  const char* env = std::getenv("LABQ_DB");
  return env && *env ? env : "labq.db";
}

std::optional<int64_t> SweepIdOrAll(ResultStore& store, const std::string& sweep) {
  if (sweep.empty()) return std::nullopt;
  auto found = store.FindSweep(sweep);
  if (!found) throw Error("no sweep named '" + sweep + "' in " + store.path());
  return found->id;
}

Table BuildNamedTable(ResultStore& store, const std::string& which, std::optional<int64_t> sweep);

int CmdRun(const std::string& db_path, const std::string& file, int jobs,
           const std::string& workdir, bool quiet, bool no_cache) {
  Sweep sweep = LoadSweepFile(file);
  ResultStore store(db_path);
  const int64_t sweep_id = store.AddSweep(sweep, no_cache);
  std::fprintf(stderr, "sweep %s (id %lld): %zu jobs, %d slots, results in %s\n",
               sweep.name.c_str(), static_cast<long long>(sweep_id), sweep.jobs.size(), jobs,
               db_path.c_str());
  SchedulerOptions options;
  options.slots = jobs;
  options.workdir_root = workdir;
  Scheduler scheduler(store, options);
  std::atomic<bool> interrupted{false};
  g_cancel_flag = &interrupted;
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  // Forward Ctrl-C to the scheduler from a watcher thread (a handler may only set a flag).
  std::jthread watcher([&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (interrupted.load()) {
        scheduler.Cancel();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  ProgressPrinter printer(stderr);
  auto progress = [&](const Progress& p) {
    if (!quiet) printer(p);
  };
  SweepCounts counts = scheduler.RunSweep(sweep_id, progress);
  watcher.request_stop();
  printer.Finish();
  g_cancel_flag = nullptr;

  for (const char* which : {"dpu", "qat"}) {
    Table table = BuildNamedTable(store, which, sweep_id);
    if (!table.rows.empty()) std::cout << "\n" << RenderText(table);
  }
  for (const auto& job : store.Jobs(sweep_id)) {
    if (job.state == "failed" || job.state == "skipped") {
      std::fprintf(stderr, "%s %s: %s\n", job.state.c_str(), job.name.c_str(), job.error.c_str());
    }
  }
  // Jobs another runner (labd) on this database took are counted like ours.
  const int settled = counts.Count("done") + counts.Count("cached") + counts.Count("failed") +
                      counts.Count("timeout") + counts.Count("cancelled");
  std::fprintf(stderr,
               "%d done, %d failed, %d timeout, %d skipped, %d cancelled, %d queued, %d running "
               "of %d (%d run by another runner)\n",
               counts.Count("done") + counts.Count("cached"), counts.Count("failed"),
               counts.Count("timeout"), counts.Count("skipped"), counts.Count("cancelled"),
               counts.Count("queued"), counts.Count("running"), counts.total,
               std::max(0, settled - scheduler.finished_here()));
  if (interrupted) return 130;
  return SweepExitCode(counts);
}

int CmdSubmit(const std::string& db_path, const std::string& file, bool no_cache) {
  Sweep sweep = LoadSweepFile(file);
  ResultStore store(db_path);
  const int64_t id = store.AddSweep(sweep, no_cache);
  std::cout << id << "\n";
  std::fprintf(stderr, "queued sweep %s (id %lld, %zu jobs) in %s%s\n", sweep.name.c_str(),
               static_cast<long long>(id), sweep.jobs.size(), db_path.c_str(),
               DaemonRunning(db_path) ? "" : "; no labd serves it yet (start: labd --db ...)");
  return 0;
}

int CmdStatus(const std::string& db_path) {
  ResultStore store(db_path);
  const bool running = DaemonRunning(db_path);
  std::cout << "labd: " << (running ? "running" : "not running") << " on " << db_path;
  if (running) std::cout << ": " << DaemonState(db_path);
  std::cout << "\n";
  Table t;
  t.headers = {"id",     "sweep",  "jobs",    "queued",  "running",  "done",
               "cached", "failed", "timeout", "skipped", "cancelled"};
  for (const auto& s : store.Sweeps()) {
    auto c = store.Counts(s.id);
    std::vector<std::string> row = {std::to_string(s.id), s.name, std::to_string(c.total)};
    std::vector<nlohmann::json> raw = {s.id, s.name, c.total};
    for (const char* state :
         {"queued", "running", "done", "cached", "failed", "timeout", "skipped", "cancelled"}) {
      row.push_back(std::to_string(c.Count(state)));
      raw.push_back(c.Count(state));
    }
    t.AddRow(row, raw);
  }
  std::cout << RenderText(t);
  return 0;
}

int CmdWatch(const std::string& db_path, const std::string& sweep) {
  ResultStore store(db_path);
  auto id = SweepIdOrAll(store, sweep);
  if (!id) throw Error("watch: a sweep is required");
  ProgressPrinter printer(stderr);
  std::string last;
  while (true) {
    Progress p;
    p.counts = store.Counts(*id);
    for (const auto& job : store.Jobs(*id, "running")) p.running.push_back(job.name);
    const std::string line = FormatProgressLine(p);
    if (line != last) printer(p);
    last = line;
    if (p.counts.Finished()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a display refresh
  }
  printer.Finish();
  return SweepExitCode(store.Counts(*id));
}

/// A sweep name/id first, else a job name/id.
int CmdCancel(const std::string& db_path, const std::string& target) {
  ResultStore store(db_path);
  int touched = 0;
  if (auto sweep = store.FindSweep(target)) {
    touched = store.RequestCancel(sweep->id, std::nullopt);
  } else if (auto job = store.FindJob(target)) {
    touched = store.RequestCancel(std::nullopt, job->id);
  } else {
    throw Error("cancel: no sweep or job named '" + target + "'");
  }
  std::fprintf(stderr, "cancel requested for %d job(s)\n", touched);
  return 0;
}

int CmdRetry(const std::string& db_path, const std::string& job, const std::string& failed_sweep) {
  ResultStore store(db_path);
  int touched = 0;
  if (!failed_sweep.empty()) {
    touched = store.Retry(SweepIdOrAll(store, failed_sweep), std::nullopt);
  } else {
    auto record = store.FindJob(job);
    if (!record) throw Error("retry: no job '" + job + "'");
    touched = store.Retry(std::nullopt, record->id);
  }
  std::fprintf(stderr, "%d job(s) queued again\n", touched);
  return 0;
}

int CmdLogs(const std::string& db_path, const std::string& job_name, bool follow) {
  ResultStore store(db_path);
  auto job = store.FindJob(job_name);
  if (!job) throw Error("logs: no job '" + job_name + "'");
  std::map<std::string, size_t> printed;
  while (true) {
    const auto dir = std::filesystem::path(job->workdir);
    std::vector<std::filesystem::path> logs;
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto ext = entry.path().extension();
        if (ext == ".stdout" || ext == ".stderr" || ext == ".log") logs.push_back(entry.path());
      }
    }
    std::sort(logs.begin(), logs.end(), [](const auto& a, const auto& b) {
      std::error_code e;
      return std::filesystem::last_write_time(a, e) < std::filesystem::last_write_time(b, e);
    });
    for (const auto& log : logs) {
      std::string text;
      try {
        text = ReadFile(log.string());
      } catch (const Error&) {
        continue;
      }
      size_t& done = printed[log.string()];
      if (text.size() <= done) continue;
      if (done == 0) std::cout << "==> " << log.filename().string() << " <==\n";
      std::cout << text.substr(done);
      std::cout.flush();
      done = text.size();
    }
    if (!follow) break;
    job = store.Job(job->id);
    if (!job || (job->state != "running" && job->state != "queued")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // tail -f style refresh
  }
  return 0;
}

int CmdSweeps(const std::string& db_path) {
  ResultStore store(db_path);
  Table t;
  t.headers = {"id", "name", "file", "created", "jobs", "done", "failed"};
  for (const auto& s : store.Sweeps()) {
    auto c = store.Counts(s.id);
    t.AddRow(
        {std::to_string(s.id), s.name, s.file, s.created_at, std::to_string(c.total),
         std::to_string(c.Count("done") + c.Count("cached")), std::to_string(c.Count("failed"))},
        {s.id, s.name, s.file, s.created_at, c.total, c.Count("done"), c.Count("failed")});
  }
  std::cout << RenderText(t);
  return 0;
}

int CmdJobs(const std::string& db_path, const std::string& sweep, const std::string& state) {
  ResultStore store(db_path);
  Table t;
  t.headers = {"id", "sweep", "name", "kind", "state", "attempts", "seconds", "error"};
  for (const auto& j : store.Jobs(SweepIdOrAll(store, sweep), state)) {
    std::string error = j.error.substr(0, j.error.find('\n'));
    t.AddRow({std::to_string(j.id), j.sweep_name, j.name, j.kind, j.state,
              std::to_string(j.attempts), FormatFixed(j.wall_seconds, 1), error},
             {j.id, j.sweep_name, j.name, j.kind, j.state, j.attempts, j.wall_seconds, error});
  }
  std::cout << RenderText(t);
  return 0;
}

int CmdShow(const std::string& db_path, const std::string& job_name, const std::string& sweep) {
  ResultStore store(db_path);
  auto job = store.FindJob(job_name, SweepIdOrAll(store, sweep));
  if (!job) throw Error("no job '" + job_name + "' in " + db_path);
  std::cout << "job " << job->id << " " << job->name << " (" << job->kind << ") of sweep "
            << job->sweep_name << "\n"
            << "state: " << job->state << ", attempts " << job->attempts << ", "
            << FormatFixed(job->wall_seconds, 1) << " s\n";
  if (!job->error.empty()) std::cout << "error: " << job->error << "\n";
  std::cout << "params: " << job->params.dump() << "\n";
  std::cout << "directory: " << job->workdir << "\n";
  if (!job->workdir.empty()) {
    std::cout << "rerun by hand: sh " << ShellQuote(job->workdir + "/command.sh") << "\n";
  }
  std::cout << "steps:\n";
  for (const auto& argv : job->argv) {
    std::cout << "  " << ShellJoin(argv.get<std::vector<std::string>>()) << "\n";
  }
  auto metrics = store.Metrics(job->id);
  if (!metrics.empty()) {
    std::cout << "metrics:\n";
    for (const auto& m : metrics) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.6g", m.value);
      std::cout << "  " << m.name << " = " << buffer << " " << m.unit << "\n";
    }
  }
  auto texts = store.Texts(job->id);
  if (!texts.empty()) {
    std::cout << "notes:\n";
    for (const auto& [k, v] : texts) std::cout << "  " << k << ": " << v << "\n";
  }
  return 0;
}

Table BuildNamedTable(ResultStore& store, const std::string& which, std::optional<int64_t> sweep) {
  if (which == "dpu") return BuildDpuTable(store, sweep);
  if (which == "qat") return BuildQatTable(store, sweep);
  throw Error("table: '" + which + "' is not one of dpu, qat");
}

int CmdTable(const std::string& db_path, const std::string& which, const std::string& sweep,
             const std::string& format) {
  ResultStore store(db_path);
  std::cout << Render(BuildNamedTable(store, which, SweepIdOrAll(store, sweep)),
                      ParseTableFormat(format));
  return 0;
}

int CmdExportCsv(const std::string& db_path, const std::string& which, const std::string& sweep,
                 const std::string& out) {
  ResultStore store(db_path);
  auto sweep_id = SweepIdOrAll(store, sweep);
  if (!sweep_id) throw Error("export csv: --sweep is required");
  WriteFileAtomically(out, RenderCsv(BuildNamedTable(store, which, sweep_id)));
  std::fprintf(stderr, "wrote %s\n", out.c_str());
  return 0;
}

int CmdParse(const std::string& tool, const std::string& kind, const std::string& file,
             const std::string& format) {
  const std::string text = ReadFile(file);
  ParsedReport report = tool == "genus" ? genus::ParseGenusReport(kind, text, file)
                                        : yosys_sta::ParseOpenFlowReport(tool, kind, text, file);
  if (format == "json") {
    nlohmann::json out = {{"tool", report.tool}, {"kind", report.kind}, {"file", report.file}};
    for (const auto& [name, q] : report.values) {
      out["values"][name] = {{"value", q.value},
                             {"unit", q.unit},
                             {"original_value", q.original_value},
                             {"original_unit", q.original_unit},
                             {"line", q.line}};
    }
    for (const auto& [name, text_value] : report.texts) out["texts"][name] = text_value;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  Table t;
  t.headers = {"name", "value", "unit", "as written", "line"};
  for (const auto& [name, q] : report.values) {
    char v[64], o[64];
    std::snprintf(v, sizeof v, "%.6g", q.value);
    std::snprintf(o, sizeof o, "%.6g", q.original_value);
    t.AddRow({name, v, q.unit, std::string(o) + " " + q.original_unit, std::to_string(q.line)},
             {name, q.value, q.unit, q.original_value, q.line});
  }
  for (const auto& [name, text_value] : report.texts) {
    t.AddRow({name, text_value, "", "", ""}, {name, text_value, "", "", ""});
  }
  std::cout << RenderText(t);
  return 0;
}

}  // namespace

int RunLabq(int argc, char** argv) {
  CLI::App app{"labq: batch experiments for hardware/ML co-design"};
  app.require_subcommand(1);
  std::string db = DefaultDb();
  app.add_option("--db", db, "results database (default ./labq.db or $LABQ_DB)");

  int jobs = 2;
  std::string workdir = "labq-work";
  std::string file;
  bool quiet = false;
  auto* run = app.add_subcommand("run", "expand a sweep and run it in the foreground");
  run->add_option("file", file, "sweep YAML")->required();
  run->add_option("--jobs,-j", jobs, "parallel slots")->check(CLI::Range(1, 256));
  run->add_option("--workdir", workdir, "root of job directories");
  run->add_flag("--quiet,-q", quiet, "no progress lines");
  bool no_cache = false;
  run->add_flag("--no-cache", no_cache, "run every job even if an identical one has a result");

  auto* submit = app.add_subcommand("submit", "queue a sweep for labd and return its id at once");
  submit->add_option("file", file, "sweep YAML")->required();
  submit->add_flag("--no-cache", no_cache, "run every job even if an identical one has a result");
  auto* status = app.add_subcommand("status", "labd and every sweep's job counts");
  std::string target;
  auto* watch = app.add_subcommand("watch", "follow a sweep's progress until it ends");
  watch->add_option("sweep", target, "sweep name or id")->required();
  auto* cancel =
      app.add_subcommand("cancel", "cancel a sweep's or a job's queued and running jobs");
  cancel->add_option("target", target, "sweep or job, name or id")->required();
  std::string failed_sweep;
  auto* retry = app.add_subcommand("retry", "queue failed/cancelled/skipped jobs again");
  retry->add_option("job", target, "job name or id");
  retry->add_option("--failed", failed_sweep, "every failed job of this sweep");
  bool follow = false;
  auto* logs = app.add_subcommand("logs", "print a job's step logs");
  logs->add_option("job", target, "job name or id")->required();
  logs->add_flag("--follow,-f", follow, "keep printing until the job ends");

  auto* sweeps = app.add_subcommand("sweeps", "list sweeps");
  std::string sweep, state;
  auto* jobs_cmd = app.add_subcommand("jobs", "list jobs");
  jobs_cmd->add_option("--sweep", sweep, "sweep name or id");
  jobs_cmd->add_option("--state", state, "queued|running|done|failed|skipped|cancelled|cached");

  std::string job_name;
  auto* show = app.add_subcommand("show", "a job's params, metrics, paths and rerun command");
  show->add_option("job", job_name, "job name or id")->required();
  show->add_option("--sweep", sweep, "sweep name or id");

  std::string which, format = "table";
  auto* table = app.add_subcommand("table", "print a result table");
  table->add_option("which", which, "dpu|qat")->required();
  table->add_option("--sweep", sweep, "sweep name or id (default: all)");
  table->add_option("--format", format, "table|csv|json");

  auto* export_cmd = app.add_subcommand("export", "write results for slides and spreadsheets");
  export_cmd->require_subcommand(1);
  std::string out, csv_table = "dpu";
  auto* export_csv = export_cmd->add_subcommand("csv", "RFC 4180 CSV of a table");
  export_csv->add_option("--sweep", sweep, "sweep name or id")->required();
  export_csv->add_option("--out", out, "output file")->required();
  export_csv->add_option("--table", csv_table, "dpu|qat");

  Lab2Student student;
  std::string out_dir;
  auto* export_lab2 = export_cmd->add_subcommand("lab2", "the lab's Verilog files and tarballs");
  export_lab2->add_option("--sweep", sweep, "sweep name or id")->required();
  export_lab2->add_option("--uid", student.uid, "student UID")->required();
  export_lab2->add_option("--last", student.last, "last name")->required();
  export_lab2->add_option("--first", student.first, "first name")->required();
  export_lab2->add_option("--pin", student.pin, "PIN")->required();
  export_lab2->add_option("--out", out_dir, "output folder")->required();

  std::string exec_dir;
  auto* exec_job =
      app.add_subcommand("exec-job", "run one prepared job directory here (SLURM nodes)");
  exec_job->add_option("dir", exec_dir, "job directory holding job.json")->required();

  std::string tool, kind;
  auto* parse = app.add_subcommand("parse", "print what a parser reads from a tool report");
  parse->add_option("tool", tool, "genus|yosys|opensta")->required();
  parse
      ->add_option("kind", kind,
                   "genus: timing|area|power|gates|qor; yosys: stat; opensta: checks|power")
      ->required();
  parse->add_option("file", file, "report file")->required();
  parse->add_option("--format", format, "json|table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*run) return CmdRun(db, file, jobs, workdir, quiet, no_cache);
    if (*submit) return CmdSubmit(db, file, no_cache);
    if (*status) return CmdStatus(db);
    if (*watch) return CmdWatch(db, target);
    if (*cancel) return CmdCancel(db, target);
    if (*retry) {
      if (target.empty() == failed_sweep.empty())
        throw Error("retry: give a JOB or --failed SWEEP");
      return CmdRetry(db, target, failed_sweep);
    }
    if (*logs) return CmdLogs(db, target, follow);
    if (*sweeps) return CmdSweeps(db);
    if (*jobs_cmd) return CmdJobs(db, sweep, state);
    if (*show) return CmdShow(db, job_name, sweep);
    if (*table) return CmdTable(db, which, sweep, format);
    if (*export_csv) return CmdExportCsv(db, csv_table, sweep, out);
    if (*export_lab2) {
      ResultStore store(db);
      std::cout << ExportLab2(store, *SweepIdOrAll(store, sweep), student, out_dir);
      return 0;
    }
    if (*parse) return CmdParse(tool, kind, file, format);
    if (*exec_job) return ExecuteJobInPlace(exec_dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labq: %s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace labq
