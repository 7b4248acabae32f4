#pragma once
/// Runs queued jobs in parallel slots, in dependency and priority order,
/// within named resource limits. The store is the queue: a job is claimed
/// atomically and its result committed with its final state, so `labq run`
/// (one sweep, in the foreground) and `labd` (every sweep, until stopped)
/// share this code, and a crash loses at most the attempts in flight.
///
/// Split the way Ninja splits Plan, Builder and CommandRunner: the store
/// orders the queue (critical path first), ResourcePool says what may start,
/// RetryPolicy what runs again, EtaEstimator how long is left, and a
/// JobRunner runs one job; this class composes them in one loop thread plus
/// one worker thread per running job.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/job_runner.h"
#include "orchestrator/resource_pool.h"
#include "orchestrator/retry_policy.h"
#include "results/result_store.h"

namespace labq {

struct SchedulerOptions {
  /// Parallel jobs at the start; Reconfigure changes it (and `limits`) later.
  int slots = 2;
  std::filesystem::path workdir_root = "labq-work";
  /// Resource limits of this scheduler (labd --limit), on top of each sweep's.
  nlohmann::json limits = nlohmann::json::object();
  bool use_cache = true;
  /// How often the store is looked at for new work and cancel requests from
  /// other processes (labq submit/cancel) when nothing finished meanwhile.
  std::chrono::milliseconds poll{200};
  /// Which failed attempts run again, after how long.
  RetryPolicy retry;
};

struct Progress {
  SweepCounts counts;
  std::vector<std::string> running;  ///< names of running jobs
  double eta_seconds = -1;           ///< -1 = unknown yet
  std::string event;                 ///< what just happened ("done dpu_8_full.synth")
  /// Why results cannot be stored now (disk full, I/O error): no job is
  /// claimed until a retry succeeds. "" while the store takes writes.
  std::string storage_problem;
};

class Scheduler {
 public:
  /// Runs jobs with a RealJobRunner on `store`.
  Scheduler(ResultStore& store, SchedulerOptions options);
  /// Runs jobs with `runner`, which must outlive the scheduler.
  Scheduler(ResultStore& store, SchedulerOptions options, JobRunner& runner);
  ~Scheduler();

  /// Blocks until the sweep has nothing runnable left; returns its counts.
  SweepCounts RunSweep(int64_t sweep_id, const std::function<void(const Progress&)>& on_progress);
  /// The daemon loop: runs jobs of every sweep until Drain() or Interrupt()
  /// was called and the running jobs have ended.
  void Serve(const std::function<void(const Progress&)>& on_progress);

  /// Stop claiming; running jobs finish normally. Safe from any thread.
  void Drain() { draining_ = true; }
  /// Kill running jobs and mark them cancelled (labq run's Ctrl-C).
  void Cancel() {
    draining_ = true;
    cancel_ = true;
  }
  /// Kill running jobs and put them back in the queue (labd's second signal).
  void Interrupt() {
    draining_ = true;
    interrupt_ = true;
  }
  /// New resource limits and slot count (labd's SIGHUP); safe from any thread.
  void Reconfigure(int slots, const nlohmann::json& limits);
  /// Jobs whose owner process died: adopted when their runner lives on (a
  /// local runner holding the job lock, or a SLURM job) or left a result for
  /// this attempt (appended to `adopted` for the caller to wait for and
  /// commit), else put back in the queue; failed once runners died with
  /// them kMaxCrashes times in a row. Returns a line per job it looked at.
  std::vector<std::string> RecoverOrphans(std::vector<JobRecord>* adopted = nullptr);
  /// Jobs whose final state this scheduler stored (the rest of a sweep's
  /// finished jobs were run by another runner on the same database).
  int finished_here() const { return finished_here_; }

 private:
  class LoopState;
  Scheduler(ResultStore& store, SchedulerOptions options, std::unique_ptr<JobRunner> owned);
  /// One job of RecoverOrphans; "" when another scheduler got there first.
  std::string RecoverOrphan(const JobRecord& job, std::vector<JobRecord>* adopted);
  void Loop(std::optional<int64_t> sweep_id,
            const std::function<void(const Progress&)>& on_progress);
  /// The slots and limits Reconfigure last posted, if newer than `*version`
  /// (which it then advances): the loop's snapshot, taken once per tick.
  std::optional<ResourceConfig> NewerConfig(uint64_t* version);

  ResultStore& store_;
  /// Read-only after construction; slots and limits live in config_.
  const SchedulerOptions options_;
  std::unique_ptr<JobRunner> owned_runner_;
  JobRunner& runner_;
  std::string owner_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> interrupt_{false};
  std::mutex config_mutex_;  ///< guards config_ and config_version_ (Reconfigure's thread)
  ResourceConfig config_;
  uint64_t config_version_ = 1;
  int finished_here_ = 0;
};

}  // namespace labq
