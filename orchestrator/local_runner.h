#pragma once
/// Runs a job on this machine in a runner process (the shepherd, shepherd.h,
/// in a session of its own) rather than in the scheduler, so that a
/// scheduler that dies loses nothing: the job finishes, leaves result.json
/// tagged with its attempt, and the next scheduler commits that result
/// instead of running the job again. The job lock (job_lock.h) is held from
/// before the hand-over until the attempt's last process exits.

#include <atomic>
#include <functional>
#include <optional>

#include "orchestrator/job_execution.h"
#include "orchestrator/shepherd_client.h"

namespace labq {

/// Takes the job lock, prepares the directory, hands the job and its lock to
/// `shepherd` and waits for it; a raised `env.cancel` stops its steps (it
/// still writes its result). `on_step` is told each step's process group.
JobCompletion RunJobLocally(const JobRecord& job, const ExecutionEnvironment& env,
                            ShepherdClient& shepherd, const std::function<void(int pid)>& on_step);

/// Waits for the runner of `job`'s current attempt that a dead scheduler
/// started (polling the job lock) and returns what it left; nullopt when it
/// died without a result (the attempt is lost and may run again).
std::optional<JobCompletion> AwaitOrphanedAttempt(const JobRecord& job,
                                                  const std::atomic<bool>* cancel);

/// result.json in `dir` if it was written by `attempt`.
std::optional<JobCompletion> AttemptResult(const std::filesystem::path& dir, int attempt);

}  // namespace labq
