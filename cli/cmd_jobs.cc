/// Job-level commands: jobs, show, logs, cancel, retry. Each takes --sweep
/// (or --sweep-id) so a job name several sweeps share picks the right one.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "results/job_state.h"

namespace labq {
namespace {

struct JobArgs {
  std::string job;
  SweepArg sweep;
  std::string state;
  std::string failed;
  std::string step;
  std::optional<int> tail;
  bool follow = false;
  TableArgs table;
};

int CmdJobs(const std::string& db_path, const JobArgs& a) {
  std::optional<JobState> state;
  if (!a.state.empty()) {
    state = ParseJobState(a.state);
    if (!state) {
      std::string list;
      for (const auto& s : JobStateNames()) list += (list.empty() ? "" : ", ") + s;
      throw Error("--state: '" + a.state + "' is not one of " + list);
    }
  }
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  Table t;
  t.columns = {{"id", ""},    {"sweep", ""},    {"name", ""},    {"kind", ""},
               {"state", ""}, {"attempts", ""}, {"wall_s", "s"}, {"error", ""}};
  for (const auto& j : store.JobRows({ResolveSweepArg(store, a.sweep), state, ""})) {
    std::string error = j.error.substr(0, j.error.find('\n'));
    t.AddRow({j.id, j.sweep_name + "@" + std::to_string(j.sweep_id), j.name, j.kind,
              ToString(j.state), j.attempts, j.wall_seconds, error});
  }
  std::cout << Render(t, a.table.Options());
  return 0;
}

int CmdShow(const std::string& db_path, const JobArgs& a) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  const JobRecord job = ResolveJob(store, a.job, ResolveSweepArg(store, a.sweep));
  std::cout << "job " << job.id << " " << job.name << " (" << job.kind << ") of sweep "
            << job.sweep_name << "@" << job.sweep_id << "\n"
            << "state: " << job.state << ", attempts " << job.attempts << ", "
            << FormatNumber(job.wall_seconds, 3) << " s\n";
  if (job.cached_from) std::cout << "cached from job " << *job.cached_from << "\n";
  if (!job.error.empty()) std::cout << "error: " << job.error << "\n";
  std::cout << "params: " << job.params.dump() << "\n";
  std::cout << "directory: " << job.workdir << "\n";
  if (!job.workdir.empty()) {
    std::cout << "rerun by hand: sh " << ShellQuote(job.workdir + "/command.sh") << "\n";
  }
  std::cout << "steps:\n";
  for (const auto& argv : job.argv) {
    std::cout << "  " << ShellJoin(argv.get<std::vector<std::string>>()) << "\n";
  }
  auto metrics = store.Metrics(job.id);
  if (!metrics.empty()) {
    std::cout << "metrics:\n";
    for (const auto& m : metrics) {
      std::cout << "  " << m.name << " = " << FormatNumber(m.value, 6) << " " << m.unit << "\n";
    }
  }
  auto texts = store.Texts(job.id);
  if (!texts.empty()) {
    std::cout << "notes:\n";
    for (const auto& [k, v] : texts) std::cout << "  " << k << ": " << v << "\n";
  }
  return 0;
}

/// The step logs of a job directory (<step>.stdout / .stderr, warnings.log), oldest first.
std::vector<std::filesystem::path> StepLogs(const std::filesystem::path& dir) {
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
  return logs;
}

/// Where the last `lines` lines of `text` start.
size_t TailStart(const std::string& text, int lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (int i = 0; i < lines; ++i) {
    const size_t nl = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return 0;
    pos = nl;
  }
  return pos + 1;
}

int CmdLogs(const std::string& db_path, const JobArgs& a) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  std::optional<JobRecord> job = ResolveJob(store, a.job, ResolveSweepArg(store, a.sweep));
  if (a.tail && *a.tail < 0) throw Error("--tail: give a number of lines >= 0");
  std::map<std::string, size_t> printed;
  std::set<std::string> headed;
  bool step_seen = a.step.empty();
  while (true) {
    for (const auto& log : StepLogs(job->workdir)) {
      if (!a.step.empty() && log.stem().string() != a.step) continue;
      step_seen = true;
      std::string text;
      try {
        text = ReadFile(log.string());
      } catch (const Error&) {
        continue;
      }
      // --tail applies to what a log holds when first seen; --follow then adds the rest.
      auto [it, first] = printed.emplace(log.string(), 0);
      if (first && a.tail) it->second = TailStart(text, *a.tail);
      if (text.size() <= it->second) continue;
      if (headed.insert(log.string()).second) {
        std::cout << "==> " << log.filename().string() << " <==\n";
      }
      std::cout << text.substr(it->second);
      std::cout.flush();
      it->second = text.size();
    }
    if (!step_seen && !a.follow) {
      std::string steps;
      for (const auto& log : StepLogs(job->workdir)) {
        if (steps.find(" " + log.stem().string() + ",") == std::string::npos) {
          steps += " " + log.stem().string() + ",";
        }
      }
      if (!steps.empty()) steps.pop_back();
      throw Error("logs: job " + job->name + " has no step '" + a.step +
                  "' (steps:" + (steps.empty() ? " none yet" : steps) + ")");
    }
    if (!a.follow) {
      if (headed.empty()) {
        std::fprintf(stderr,
                     "labq: %s%s wrote nothing to stdout/stderr; its reports are files in %s\n",
                     a.step.empty() ? "job " : "step ",
                     a.step.empty() ? job->name.c_str() : a.step.c_str(), job->workdir.c_str());
      }
      break;
    }
    job = store.Job(job->id);
    if (!job || IsFinal(job->state)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // tail -f style refresh
  }
  return 0;
}

/// A sweep (NAME, ID, NAME@ID) first, else a job; --sweep narrows a job name.
int CmdCancel(const std::string& db_path, const JobArgs& a) {
  ResultStore store(db_path);
  const auto sweep = ResolveSweepArg(store, a.sweep);
  int touched = 0;
  if (a.job.empty()) {
    if (!sweep) throw Error("cancel: give a sweep, a job, or --sweep");
    touched = store.RequestCancel(sweep, std::nullopt);
  } else if (!sweep && (a.job.find('@') != std::string::npos || !store.SweepsNamed(a.job).empty() ||
                        (std::all_of(a.job.begin(), a.job.end(), ::isdigit) &&
                         store.SweepById(std::stoll(a.job))))) {
    touched = store.RequestCancel(ResolveSweep(store, a.job).id, std::nullopt);
  } else {
    touched = store.RequestCancel(std::nullopt, ResolveJob(store, a.job, sweep).id);
  }
  std::fprintf(stderr, "cancel requested for %d job(s)\n", touched);
  return 0;
}

int CmdRetry(const std::string& db_path, const JobArgs& a) {
  if (a.job.empty() == a.failed.empty()) throw Error("retry: give a JOB or --failed SWEEP");
  ResultStore store(db_path);
  int touched = 0;
  if (!a.failed.empty()) {
    touched = store.Retry(ResolveSweep(store, a.failed).id, std::nullopt);
  } else {
    touched =
        store.Retry(std::nullopt, ResolveJob(store, a.job, ResolveSweepArg(store, a.sweep)).id);
  }
  std::fprintf(stderr, "%d job(s) queued again\n", touched);
  return 0;
}

}  // namespace

void AddJobCommands(CLI::App& app, CliContext& ctx) {
  auto j = std::make_shared<JobArgs>();
  auto* jobs = app.add_subcommand("jobs", "list jobs");
  AddSweepOptions(jobs, j->sweep, "only this sweep");
  std::string states;
  for (const auto& s : JobStateNames()) states += (states.empty() ? "" : "|") + s;
  jobs->add_option("--state", j->state, states);
  AddTableOptions(jobs, j->table);
  jobs->callback([&ctx, j] { ctx.exit_code = CmdJobs(ctx.db, *j); });

  auto s = std::make_shared<JobArgs>();
  auto* show = app.add_subcommand("show", "a job's params, metrics, paths and rerun command");
  show->add_option("job", s->job, "job name or id")->required();
  AddSweepOptions(show, s->sweep, "the job's sweep");
  show->callback([&ctx, s] { ctx.exit_code = CmdShow(ctx.db, *s); });

  auto l = std::make_shared<JobArgs>();
  auto* logs = app.add_subcommand("logs", "print a job's step logs");
  logs->add_option("job", l->job, "job name or id")->required();
  AddSweepOptions(logs, l->sweep, "the job's sweep");
  logs->add_option("--step", l->step, "only this step's logs (yosys, sta, verilator, ...)");
  logs->add_option("--tail", l->tail, "only the last N lines of each log");
  logs->add_flag("--follow,-f", l->follow, "keep printing until the job ends");
  logs->callback([&ctx, l] { ctx.exit_code = CmdLogs(ctx.db, *l); });

  auto c = std::make_shared<JobArgs>();
  auto* cancel =
      app.add_subcommand("cancel", "cancel a sweep's or a job's queued and running jobs");
  cancel->add_option("target", c->job, "sweep (NAME, ID, NAME@ID) or job (name or id)");
  AddSweepOptions(cancel, c->sweep, "the sweep (or the job's sweep)");
  cancel->callback([&ctx, c] { ctx.exit_code = CmdCancel(ctx.db, *c); });

  auto r = std::make_shared<JobArgs>();
  auto* retry = app.add_subcommand("retry", "queue failed/cancelled/skipped jobs again");
  retry->add_option("job", r->job, "job name or id");
  AddSweepOptions(retry, r->sweep, "the job's sweep");
  retry->add_option("--failed", r->failed, "every failed job of this sweep (NAME, ID, NAME@ID)");
  retry->callback([&ctx, r] { ctx.exit_code = CmdRetry(ctx.db, *r); });
}

}  // namespace labq
