#pragma once
/// Runs a job on this machine in its own runner process (`labq exec-job DIR`,
/// a new session) rather than in the scheduler, so that a scheduler that dies
/// loses nothing: the runner finishes, leaves result.json tagged with its
/// attempt, and the next scheduler commits that result instead of running
/// the job again. The job lock (job_lock.h) is held from before the spawn
/// until the attempt's last process exits.

#include <atomic>
#include <functional>
#include <optional>

#include "orchestrator/job_execution.h"

namespace labq {

/// Prepares the directory, spawns the runner holding the job lock and waits
/// for it; a raised `env.cancel` sends it SIGTERM (it stops its steps and
/// still writes its result). `on_spawned` is told the runner's pid.
JobCompletion RunJobLocally(const JobRecord& job, const ExecutionEnvironment& env,
                            const std::function<void(int pid)>& on_spawned);

/// Waits for the runner of `job`'s current attempt that a dead scheduler
/// started (polling the job lock) and returns what it left; nullopt when it
/// died without a result (the attempt is lost and may run again).
std::optional<JobCompletion> AwaitOrphanedAttempt(const JobRecord& job,
                                                  const std::atomic<bool>* cancel);

/// result.json in `dir` if it was written by `attempt`.
std::optional<JobCompletion> AttemptResult(const std::filesystem::path& dir, int attempt);

}  // namespace labq
