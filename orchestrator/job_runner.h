#pragma once
/// What the scheduler calls to run one claimed job, the way Ninja's Builder
/// calls a CommandRunner: the scheduler decides what runs when, the runner
/// how. RealJobRunner runs jobs in a local runner process (local_runner.h)
/// or on SLURM (slurm_execution.h); tests give the scheduler a fake that
/// starts no process.

#include <memory>
#include <string>

#include "orchestrator/job_execution.h"
#include "orchestrator/shepherd_client.h"
#include "results/result_store.h"

namespace labq {

/// What became of one run.
struct RunOutcome {
  JobCompletion completion;
  /// The attempt ended without a result (an adopted runner died): it may run again.
  bool lost = false;
};

class JobRunner {
 public:
  virtual ~JobRunner() = default;
  /// The key a done result of `job` is stored and looked up under; "" when
  /// its kind is not cacheable.
  virtual std::string CacheKey(const JobRecord& job) = 0;
  /// Whether an attempt of `job` still runs without a scheduler (a local
  /// runner holding the job lock, a submitted SLURM job): it must be waited
  /// for, never started a second time.
  virtual bool AttemptRunning(const JobRecord& job) = 0;
  /// Whether `job`'s current attempt finished and left a result to commit.
  virtual bool AttemptLeftResult(const JobRecord& job) = 0;
  /// Runs `job` to its end on a worker thread, or with `attach` waits for
  /// the attempt that already runs. A raised `env.cancel` asks it to stop
  /// early; it still returns what the attempt left.
  virtual RunOutcome Run(const JobRecord& job, const ExecutionEnvironment& env, bool attach) = 0;
};

/// Today's runner: local jobs in the shepherd (one runner process for all of
/// them, started on the first), SLURM jobs with sbatch; each step's process
/// group and each SLURM id go to `store` for crash recovery.
class RealJobRunner : public JobRunner {
 public:
  explicit RealJobRunner(ResultStore& store) : store_(store) {}
  std::string CacheKey(const JobRecord& job) override;
  bool AttemptRunning(const JobRecord& job) override;
  bool AttemptLeftResult(const JobRecord& job) override;
  RunOutcome Run(const JobRecord& job, const ExecutionEnvironment& env, bool attach) override;

 private:
  ResultStore& store_;
  ShepherdClient shepherd_;
};

}  // namespace labq
