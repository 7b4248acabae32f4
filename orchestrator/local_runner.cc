#include "orchestrator/local_runner.h"

#include <signal.h>

#include <chrono>
#include <thread>

#include "common/file_util.h"
#include "common/text.h"
#include "orchestrator/job_lock.h"

namespace labq {
namespace {

/// How often a scheduler waiting for an adopted attempt looks at its lock.
constexpr auto kPoll = std::chrono::milliseconds(20);

}  // namespace

std::optional<JobCompletion> AttemptResult(const std::filesystem::path& dir, int attempt) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / "result.json", ec)) return std::nullopt;
  try {
    const auto r = nlohmann::json::parse(ReadFile((dir / "result.json").string()));
    if (r.value("attempt", -1) != attempt) return std::nullopt;  // an older attempt's file
    return ReadJobResult(dir);
  } catch (const std::exception&) {
    return std::nullopt;  // torn or unreadable: as if it was never written
  }
}

JobCompletion RunJobLocally(const JobRecord& job, const ExecutionEnvironment& env,
                            ShepherdClient& shepherd, const std::function<void(int pid)>& on_step) {
  const auto started = std::chrono::steady_clock::now();
  const std::filesystem::path dir = job.workdir;
  JobCompletion completion;
  completion.state = JobState::kFailed;
  auto lock = JobLock::TryAcquire(dir);
  if (!lock) {
    completion.error = "an earlier attempt of this job still runs";
    completion.transient = true;
    return completion;
  }
  try {
    PrepareJobDirectory(job, env);
  } catch (const std::exception& e) {
    completion.error = std::string("cannot prepare job directory: ") + e.what();
    return completion;
  }
  const auto ended = shepherd.Run(job.id, dir, std::move(*lock), env.cancel, on_step);
  if (auto result = AttemptResult(dir, job.attempts)) return *result;
  if (ended == ShepherdClient::Ended::kLost) {
    completion.error = "the job shepherd died before the job ended (see labd's stderr)";
    completion.transient = true;  // as a runner killed by a signal: it may run again
  } else {
    completion.error = "the job ended without writing result.json (see labd's stderr)";
  }
  completion.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return completion;
}

std::optional<JobCompletion> AwaitOrphanedAttempt(const JobRecord& job,
                                                  const std::atomic<bool>* cancel) {
  const std::filesystem::path dir = job.workdir;
  bool stop_sent = false;
  while (JobLock::Held(dir)) {
    if (cancel && cancel->load() && !stop_sent && job.pid) {
      // The running step's process group (the job ends, cancelled, with its result).
      ::kill(-static_cast<pid_t>(*job.pid), SIGTERM);
      stop_sent = true;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return AttemptResult(dir, job.attempts);
}

}  // namespace labq
