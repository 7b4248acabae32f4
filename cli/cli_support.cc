#include "cli/cli_support.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "common/error.h"
#include "results/job_state.h"

namespace labq {

bool DaemonHoldsLock(const std::string& db_path) {
  const std::string lock_path = db_path + ".labd.lock";
  const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}
namespace {

bool AllDigits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

void AddSweepOptions(CLI::App* command, SweepArg& arg, const std::string& help) {
  command->add_option("--sweep", arg.text, help + ": NAME, ID or NAME@ID");
  command->add_option("--sweep-id", arg.id, "the sweep with this id");
}

std::string FormatCounts(const SweepCounts& counts) {
  std::string out;
  for (const JobState state : AllJobStates()) {
    if (const int n = counts.Count(state)) {
      out += (out.empty() ? "" : ", ") + ToString(state) + " " + std::to_string(n);
    }
  }
  return out.empty() ? "no jobs" : out;
}

int SweepExitCode(const SweepCounts& c) { return c.CountIf(IsSuccess) == c.total ? 0 : 1; }

std::string EndReason(const SweepCounts& c) {
  if (SweepExitCode(c) == 0) return "every job is done or cached; exit 0";
  std::string why;
  auto add = [&why](int n, const char* what) {
    if (n) why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(c.Count(JobState::kFailed), "failed");
  add(c.Count(JobState::kTimeout), "timed out");
  add(c.Count(JobState::kCancelled), "cancelled");
  add(c.Count(JobState::kSkipped), "skipped after a failed dependency");
  add(c.CountIf([](JobState s) { return !IsFinal(s); }), "not finished");
  return why + "; exit 1 (see labq jobs --state ...)";
}

SweepInfo ResolveSweep(ResultStore& store, const std::string& text) {
  const auto at = text.rfind('@');
  if (at != std::string::npos) {
    const std::string name = text.substr(0, at), id = text.substr(at + 1);
    if (!AllDigits(id)) throw Error("sweep '" + text + "': after @ comes the sweep id (NAME@ID)");
    auto sweep = store.SweepById(std::stoll(id));
    if (!sweep || sweep->name != name) {
      throw Error("no sweep " + text + " in " + store.path() + " (see labq sweeps)");
    }
    return *sweep;
  }
  auto named = store.SweepsNamed(text);
  if (named.size() == 1) return named.front();
  if (named.empty() && AllDigits(text)) {
    if (auto sweep = store.SweepById(std::stoll(text))) return *sweep;
  }
  if (named.empty()) throw Error("no sweep named '" + text + "' in " + store.path());
  std::string message = "'" + text + "' names " + std::to_string(named.size()) +
                        " sweeps; pick one with " + text + "@ID or --sweep-id ID:";
  for (const auto& s : named) {
    message += "\n  " + text + "@" + std::to_string(s.id) + "  submitted " + s.created_at + "  " +
               FormatCounts(store.Counts(s.id));
  }
  throw Error(message);
}

std::optional<int64_t> ResolveSweepArg(ResultStore& store, const SweepArg& arg) {
  if (arg.id) {
    if (!store.SweepById(*arg.id)) {
      throw Error("no sweep with id " + std::to_string(*arg.id) + " in " + store.path());
    }
    if (!arg.text.empty() && ResolveSweep(store, arg.text).id != *arg.id) {
      throw Error("--sweep " + arg.text + " and --sweep-id " + std::to_string(*arg.id) +
                  " name different sweeps");
    }
    return arg.id;
  }
  if (arg.text.empty()) return std::nullopt;
  return ResolveSweep(store, arg.text).id;
}

JobRecord ResolveJob(ResultStore& store, const std::string& name_or_id,
                     std::optional<int64_t> sweep) {
  if (sweep) {
    auto job = store.FindJob(name_or_id, sweep);
    if (!job || job->sweep_id != *sweep) {
      throw Error("no job '" + name_or_id + "' in sweep " + std::to_string(*sweep));
    }
    return *job;
  }
  auto named = store.JobsNamed(name_or_id);
  if (named.size() == 1) return named.front();
  if (named.empty()) {
    if (AllDigits(name_or_id)) {
      if (auto job = store.Job(std::stoll(name_or_id))) return *job;
    }
    throw Error("no job '" + name_or_id + "' in " + store.path() + " (see labq jobs)");
  }
  std::string message = "job '" + name_or_id + "' is in " + std::to_string(named.size()) +
                        " sweeps; pick one with --sweep NAME@ID or give the job id:";
  for (const auto& j : named) {
    message += "\n  job " + std::to_string(j.id) + "  sweep " + j.sweep_name + "@" +
               std::to_string(j.sweep_id) + "  " + ToString(j.state);
  }
  throw Error(message);
}

void AddTableOptions(CLI::App* command, TableArgs& args) {
  command->add_option("--format", args.format, "table|csv|json|markdown|latex");
  command->add_option("--precision", args.precision,
                      "significant digits (default 4; csv and json 6)");
  command->add_option("--columns", args.columns, "only these columns, in this order (a,b,c)")
      ->delimiter(',');
}

}  // namespace labq
