/// Sweep-level commands: status, sweeps, watch, rm, tag, note.

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>
#include <thread>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/progress_printer.h"
#include "common/error.h"
#include "orchestrator/daemon.h"
#include "results/job_state.h"

namespace labq {
namespace {

int CmdStatus(const std::string& db_path) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  const bool running = DaemonHoldsLock(db_path);
  std::cout << "labd: " << (running ? "running" : "not running") << " on " << db_path;
  if (running) std::cout << ": " << DaemonState(db_path);
  std::cout << "\n";
  Table t;
  t.columns = {{"id", ""}, {"sweep", ""}, {"jobs", ""}};
  for (const auto& state : JobStateNames()) t.columns.push_back({state, ""});
  for (const auto& s : store.Sweeps()) {
    auto c = store.Counts(s.id);
    std::vector<nlohmann::json> row = {s.id, s.name, c.total};
    for (const JobState state : AllJobStates()) row.push_back(c.Count(state));
    t.AddRow(row);
  }
  std::cout << RenderText(t);
  return 0;
}

std::string Join(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

int CmdSweeps(const std::string& db_path, const TableArgs& args) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  Table t;
  t.columns = {{"id", ""},        {"name", ""},    {"description", ""}, {"tags", ""},
               {"submitted", ""}, {"jobs", ""},    {"done", ""},        {"failed", ""},
               {"other", ""},     {"wall_s", "s"}, {"note", ""},        {"file", ""}};
  for (const auto& s : store.SweepDetails()) {
    auto c = store.Counts(s.id);
    const int done = c.CountIf(IsSuccess);
    const int failed = c.CountIf(IsFailure);
    t.AddRow({s.id, s.name, s.description, Join(s.tags, ","), s.created_at, c.total, done, failed,
              c.total - done - failed, s.wall_seconds, s.note, s.file});
  }
  std::cout << Render(t, args.Options());
  return 0;
}

/// Seconds since an ISO-8601 UTC time the store wrote ("" -> 0).
double SecondsSince(const std::string& iso) {
  std::tm tm{};
  double seconds = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &seconds) != 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const double start = static_cast<double>(timegm(&tm)) + seconds;
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return std::max(0.0, now - start);
}

int CmdWatch(const std::string& db_path, const std::string& sweep_text, const SweepArg& arg) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  SweepArg chosen = arg;
  if (!sweep_text.empty()) chosen.text = sweep_text;
  auto id = ResolveSweepArg(store, chosen);
  if (!id) throw Error("watch: name a sweep (NAME, ID, NAME@ID or --sweep-id)");
  const bool tty = ::isatty(::fileno(stderr));
  std::string last;
  auto last_print = std::chrono::steady_clock::now();
  while (true) {
    Progress p;
    p.counts = store.Counts(*id);
    std::string names;
    std::string timed;
    for (const auto& job : store.Jobs(*id, JobState::kRunning)) {
      p.running.push_back(job.name);
      names += " " + job.name;
      timed += (timed.empty() ? " " : ", ") + job.name + " " +
               std::to_string(static_cast<long long>(SecondsSince(job.started_at))) + "s";
    }
    const std::string key = FormatProgressLine(p) + names;
    const auto now = std::chrono::steady_clock::now();
    // A terminal line is rewritten every second; a log gets a line per change.
    if (key != last || (tty && now - last_print >= std::chrono::seconds(1))) {
      const std::string line = FormatProgressLine(p) + (timed.empty() ? "" : ":" + timed);
      std::fprintf(stderr, tty ? "\r\033[K%s" : "%s\n", line.c_str());
      std::fflush(stderr);
      last = key;
      last_print = now;
    }
    if (p.counts.Finished()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a display refresh
  }
  if (tty) std::fprintf(stderr, "\n");
  const auto counts = store.Counts(*id);
  const auto sweep = store.SweepById(*id);
  std::fprintf(stderr, "sweep %s@%lld ended: %s; %s\n", sweep ? sweep->name.c_str() : "?",
               static_cast<long long>(*id), FormatCounts(counts).c_str(),
               EndReason(counts).c_str());
  return SweepExitCode(counts);
}

/// This sweep's own job directory root: `<workdir>/<name>-<id>` (cached jobs
/// point into other sweeps' directories, which stay).
std::set<std::filesystem::path> SweepDirectories(const SweepInfo& sweep,
                                                 const std::vector<JobRecord>& jobs) {
  std::set<std::filesystem::path> dirs;
  const std::string own = sweep.name + "-" + std::to_string(sweep.id);
  for (const auto& job : jobs) {
    if (job.workdir.empty() || job.state == JobState::kCached) continue;
    const auto parent = std::filesystem::path(job.workdir).parent_path();
    if (parent.filename() == own) dirs.insert(parent);
  }
  return dirs;
}

int CmdRm(const std::string& db_path, const std::string& target, const SweepArg& arg, bool yes) {
  ResultStore store(db_path);
  SweepArg chosen = arg;
  if (!target.empty()) chosen.text = target;
  auto id = ResolveSweepArg(store, chosen);
  if (!id) throw Error("rm: name a sweep (NAME, ID, NAME@ID or --sweep-id)");
  const SweepInfo sweep = *store.SweepById(*id);
  const auto jobs = store.Jobs(*id);
  const auto dirs = SweepDirectories(sweep, jobs);
  int borrowed = 0;  // other sweeps' cached jobs whose logs live in these directories
  for (const auto& job : store.Jobs()) {
    if (job.sweep_id == *id) continue;
    for (const auto& dir : dirs) {
      if (job.workdir.rfind(dir.string() + "/", 0) == 0) ++borrowed;
    }
  }
  std::string summary = "sweep " + sweep.name + "@" + std::to_string(sweep.id) + ": " +
                        std::to_string(jobs.size()) + " jobs (" + FormatCounts(store.Counts(*id)) +
                        ")";
  for (const auto& dir : dirs) summary += "\n  directory " + dir.string();
  if (borrowed) {
    summary += "\n  note: " + std::to_string(borrowed) +
               " cached job(s) of other sweeps point here; they keep their metrics, not their "
               "logs";
  }
  if (!yes) {
    if (!::isatty(::fileno(stdin))) {
      throw Error("rm would delete " + summary + "\nrerun with --yes to delete it");
    }
    std::fprintf(stderr, "delete %s\n? [y/N] ", summary.c_str());
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      std::fprintf(stderr, "nothing deleted\n");
      return 1;
    }
  }
  store.RemoveSweep(*id);
  for (const auto& dir : dirs) std::filesystem::remove_all(dir);
  std::fprintf(stderr, "deleted %s\n", summary.c_str());
  return 0;
}

int CmdTag(const std::string& db_path, const std::string& target, const std::string& tag,
           bool remove) {
  ResultStore store(db_path);
  const SweepInfo sweep = ResolveSweep(store, target);
  if (tag.empty() || tag.find_first_of(", \t\n") != std::string::npos) {
    throw Error("tag: '" + tag + "' must be one word (no commas or spaces)");
  }
  const bool changed = store.TagSweep(sweep.id, tag, remove);
  std::fprintf(stderr, "%s %s %s@%lld%s\n", remove ? "untagged" : "tagged", tag.c_str(),
               sweep.name.c_str(), static_cast<long long>(sweep.id), changed ? "" : " (no change)");
  return 0;
}

int CmdNote(const std::string& db_path, const std::string& target, const std::string& text) {
  ResultStore store(db_path);
  const SweepInfo sweep = ResolveSweep(store, target);
  store.SetSweepNote(sweep.id, text);
  std::fprintf(stderr, "note set on %s@%lld\n", sweep.name.c_str(),
               static_cast<long long>(sweep.id));
  return 0;
}

struct SweepCommandArgs {
  std::string target, word;
  SweepArg sweep;
  bool flag = false;
  TableArgs table;
};

}  // namespace

void AddSweepCommands(CLI::App& app, CliContext& ctx) {
  auto* status = app.add_subcommand("status", "labd and every sweep's job counts");
  status->callback([&ctx] { ctx.exit_code = CmdStatus(ctx.db); });

  auto ls = std::make_shared<SweepCommandArgs>();
  auto* sweeps =
      app.add_subcommand("sweeps", "list sweeps: description, tags, counts, wall time, note");
  AddTableOptions(sweeps, ls->table);
  sweeps->callback([&ctx, ls] { ctx.exit_code = CmdSweeps(ctx.db, ls->table); });

  auto w = std::make_shared<SweepCommandArgs>();
  auto* watch = app.add_subcommand("watch", "follow a sweep's progress until it ends");
  watch->add_option("sweep", w->target, "NAME, ID or NAME@ID");
  watch->add_option("--sweep-id", w->sweep.id, "the sweep with this id");
  watch->callback([&ctx, w] { ctx.exit_code = CmdWatch(ctx.db, w->target, w->sweep); });

  auto r = std::make_shared<SweepCommandArgs>();
  auto* rm = app.add_subcommand("rm", "delete a sweep: its jobs, results and job directories");
  rm->add_option("sweep", r->target, "NAME, ID or NAME@ID");
  rm->add_option("--sweep-id", r->sweep.id, "the sweep with this id");
  rm->add_flag("--yes,-y", r->flag, "do not ask");
  rm->callback([&ctx, r] { ctx.exit_code = CmdRm(ctx.db, r->target, r->sweep, r->flag); });

  auto t = std::make_shared<SweepCommandArgs>();
  auto* tag = app.add_subcommand("tag", "tag a sweep (shown by labq sweeps)");
  tag->add_option("sweep", t->target, "NAME, ID or NAME@ID")->required();
  tag->add_option("tag", t->word, "one word")->required();
  tag->add_flag("--remove", t->flag, "remove the tag instead");
  tag->callback([&ctx, t] { ctx.exit_code = CmdTag(ctx.db, t->target, t->word, t->flag); });

  auto n = std::make_shared<SweepCommandArgs>();
  auto* note = app.add_subcommand("note", "set a sweep's note (shown by labq sweeps)");
  note->add_option("sweep", n->target, "NAME, ID or NAME@ID")->required();
  note->add_option("text", n->word, "the note (\"\" clears it)")->required();
  note->callback([&ctx, n] { ctx.exit_code = CmdNote(ctx.db, n->target, n->word); });
}

}  // namespace labq
