/// labq run / submit: expand a sweep file (with --set overrides) and run it
/// here, queue it for labd, or (--dry-run) only show what would happen.

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_printer.h"
#include "common/error.h"
#include "jobs/cache_key.h"
#include "jobs/kind_registry.h"
#include "orchestrator/daemon.h"
#include "orchestrator/scheduler.h"
#include "results/codesign_table.h"
#include "results/dpu_table.h"
#include "results/job_state.h"
#include "results/qat_table.h"
#include "sweep/sweep_parser.h"

namespace labq {
namespace {

struct RunArgs {
  std::string file;
  int jobs = 2;
  std::string workdir = "labq-work";
  bool quiet = false;
  bool no_cache = false;
  bool dry_run = false;
  std::vector<std::string> sets;
  SweepLimits limits;
};

Sweep LoadWithOverrides(const RunArgs& a) {
  std::vector<SweepOverride> overrides;
  for (const auto& s : a.sets) overrides.push_back(ParseOverride(s));
  return LoadSweepFile(BuiltinKinds(), a.file, overrides, a.limits);
}

std::string ParamText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

/// The expanded jobs, their dependencies and which the store would answer;
/// reads the database only if it exists, writes nothing.
int DryRun(const std::string& db_path, const RunArgs& a) {
  const Sweep sweep = LoadWithOverrides(a);
  std::unique_ptr<ResultStore> store;
  if (std::filesystem::exists(db_path)) store = ResultStore::OpenReadOnly(db_path);
  std::cout << "sweep " << sweep.name << " from " << a.file << ": " << sweep.jobs.size()
            << " jobs (dry run: nothing runs, nothing is written)\n";
  // Per kind, the parameters every job shares go on one line; the rest per job.
  std::map<std::string, std::map<std::string, std::set<std::string>>> values;
  for (const auto& job : sweep.jobs) {
    for (const auto& [k, v] : job.params.items()) values[job.kind][k].insert(v.dump());
  }
  for (const auto& [kind, keys] : values) {
    std::string common;
    for (const auto& [k, seen] : keys) {
      if (seen.size() != 1) continue;
      for (const auto& job : sweep.jobs) {
        if (job.kind != kind) continue;
        common += " " + k + "=" + ParamText(job.params[k]);
        break;
      }
    }
    std::cout << "  " << kind << " jobs share:" << common << "\n";
  }
  Table t;
  t.columns = {{"job", ""}, {"kind", ""}, {"after", ""}, {"would", ""}, {"params", ""}};
  int cached = 0;
  for (const auto& job : sweep.jobs) {
    std::string after;
    for (const auto& d : job.depends_on) after += (after.empty() ? "" : " ") + d;
    std::string would = "run";
    if (a.no_cache) {
      would = "run (--no-cache)";
    } else if (store) {
      const std::string key = CacheKeyFor(job.kind, job.params);
      if (!key.empty()) {
        if (auto hit = store->FindCacheHit(key)) {
          would = "cached (job " + std::to_string(*hit) + ")";
          ++cached;
        }
      }
    }
    std::string params;
    for (const auto& [k, v] : job.params.items()) {
      if (values[job.kind][k].size() > 1)
        params += (params.empty() ? "" : " ") + k + "=" + ParamText(v);
    }
    t.AddRow({job.name, job.kind, after.empty() ? "-" : after, would, params});
  }
  std::cout << RenderText(t);
  std::cout << sweep.jobs.size() - cached << " would run, " << cached << " from the cache"
            << (store ? "" : " (no database at " + db_path + " yet)") << "\n";
  return 0;
}

std::atomic<bool>* g_cancel_flag = nullptr;

extern "C" void OnInterrupt(int) {
  if (g_cancel_flag) g_cancel_flag->store(true);
}

int CmdRun(const std::string& db_path, const RunArgs& a) {
  if (a.dry_run) return DryRun(db_path, a);
  Sweep sweep = LoadWithOverrides(a);
  ResultStore store(db_path);
  const int64_t sweep_id = store.AddSweep(sweep, a.no_cache);
  std::fprintf(stderr, "sweep %s@%lld: %zu jobs, %d slots, results in %s\n", sweep.name.c_str(),
               static_cast<long long>(sweep_id), sweep.jobs.size(), a.jobs, db_path.c_str());
  SchedulerOptions options;
  options.slots = a.jobs;
  options.workdir_root = a.workdir;
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
    if (!a.quiet) printer(p);
  };
  SweepCounts counts = scheduler.RunSweep(sweep_id, progress);
  watcher.request_stop();
  printer.Finish();
  g_cancel_flag = nullptr;

  using BuildTable = Table (*)(ResultStore&, std::optional<int64_t>);
  const BuildTable dpu = [](ResultStore& s, std::optional<int64_t> id) {
    return BuildDpuTable(s, id);
  };
  for (const auto& [which, build] :
       {std::pair<const char*, BuildTable>{"dpu", dpu},
        std::pair<const char*, BuildTable>{"qat", BuildQatTable},
        std::pair<const char*, BuildTable>{"codesign", BuildCodesignTable}}) {
    const Table table = build(store, sweep_id);
    if (table.rows.empty()) continue;
    std::cout << "\n" << Render(table, {});
    for (const auto& line : MissingMetricNotes(table, which)) {
      std::fprintf(stderr, "labq: warning: %s\n", line.c_str());
    }
  }
  for (const auto& job : store.Jobs(sweep_id)) {
    if (IsFailure(job.state) || job.state == JobState::kSkipped) {
      std::fprintf(stderr, "%s %s: %s\n", ToString(job.state).c_str(), job.name.c_str(),
                   job.error.c_str());
    }
  }
  // Jobs another runner (labd) on this database took are counted like ours.
  const int settled =
      counts.CountIf([](JobState s) { return IsFinal(s) && s != JobState::kSkipped; });
  std::fprintf(stderr,
               "%d done, %d failed, %d timeout, %d skipped, %d cancelled, %d queued, %d running "
               "of %d (%d run by another runner)\n",
               counts.CountIf(IsSuccess), counts.Count(JobState::kFailed),
               counts.Count(JobState::kTimeout), counts.Count(JobState::kSkipped),
               counts.Count(JobState::kCancelled), counts.Count(JobState::kQueued),
               counts.Count(JobState::kRunning), counts.total,
               std::max(0, settled - scheduler.finished_here()));
  if (interrupted) return 130;
  if (SweepExitCode(counts) != 0) std::fprintf(stderr, "labq: %s\n", EndReason(counts).c_str());
  return SweepExitCode(counts);
}

int CmdSubmit(const std::string& db_path, const RunArgs& a) {
  if (a.dry_run) return DryRun(db_path, a);
  Sweep sweep = LoadWithOverrides(a);
  ResultStore store(db_path);
  const int64_t id = store.AddSweep(sweep, a.no_cache);
  std::cout << id << "\n";
  std::fprintf(stderr, "queued sweep %s@%lld (%zu jobs) in %s%s\n", sweep.name.c_str(),
               static_cast<long long>(id), sweep.jobs.size(), db_path.c_str(),
               DaemonRunning(db_path) ? "" : "; no labd serves it yet (start: labd --db ...)");
  return 0;
}

void AddCommonRunOptions(CLI::App* command, RunArgs& a) {
  command->add_option("file", a.file, "sweep YAML")->required();
  command->add_flag("--no-cache", a.no_cache,
                    "run every job even if an identical one has a result");
  command->add_flag("--dry-run,-n", a.dry_run,
                    "print the expanded jobs, their dependencies and cache hits; run nothing");
  command->add_option("--set", a.sets,
                      "KEY=VALUE replacing the file's defaults:/params: value (repeatable; "
                      "name=, description= rename the sweep)");
  command
      ->add_option("--max-jobs", a.limits.max_jobs,
                   "refuse a sweep that expands to more jobs (default " +
                       std::to_string(a.limits.max_jobs) + ")")
      ->check(CLI::Range(size_t{1}, size_t{100000000}));
}

}  // namespace

void AddRunCommands(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "expand a sweep and run it in the foreground");
  AddCommonRunOptions(run, *a);
  run->add_option("--jobs,-j", a->jobs, "parallel slots")->check(CLI::Range(1, 256));
  run->add_option("--workdir", a->workdir, "root of job directories");
  run->add_flag("--quiet,-q", a->quiet, "no progress lines");
  run->callback([&ctx, a] { ctx.exit_code = CmdRun(ctx.db, *a); });

  auto s = std::make_shared<RunArgs>();
  auto* submit = app.add_subcommand("submit", "queue a sweep for labd and return its id at once");
  AddCommonRunOptions(submit, *s);
  submit->callback([&ctx, s] { ctx.exit_code = CmdSubmit(ctx.db, *s); });
}

}  // namespace labq
