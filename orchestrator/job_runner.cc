#include "orchestrator/job_runner.h"

#include "jobs/cache_key.h"
#include "orchestrator/job_lock.h"
#include "orchestrator/local_runner.h"
#include "orchestrator/resource_pool.h"
#include "orchestrator/slurm_execution.h"

namespace labq {

std::string RealJobRunner::CacheKey(const JobRecord& job) {
  return CacheKeyFor(job.kind, job.params);
}

bool RealJobRunner::AttemptRunning(const JobRecord& job) {
  return !job.external_id.empty() || (!IsSlurmJob(job) && JobLock::Held(job.workdir));
}

bool RealJobRunner::AttemptLeftResult(const JobRecord& job) {
  return !IsSlurmJob(job) && AttemptResult(job.workdir, job.attempts).has_value();
}

RunOutcome RealJobRunner::Run(const JobRecord& job, const ExecutionEnvironment& env, bool attach) {
  RunOutcome outcome;
  if (IsSlurmJob(job)) {
    outcome.completion = RunJobOnSlurm(
        job, env, [&](const std::string& id) { store_.SetExternalId(job.id, id); },
        attach ? job.external_id : "");
  } else if (attach) {
    auto result = AwaitOrphanedAttempt(job, env.cancel);
    outcome.lost = !result;
    if (result) outcome.completion = std::move(*result);
  } else {
    outcome.completion = RunJobLocally(job, env, shepherd_, [&](int pid) {
      try {
        store_.SetPid(job.id, pid);  // for cancelling an adopted attempt; the lock is the truth
      } catch (const std::exception&) {
      }
    });
  }
  return outcome;
}

}  // namespace labq
