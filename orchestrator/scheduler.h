#pragma once
/// Runs a sweep's queued jobs in parallel slots, in dependency order, until
/// none is left runnable. The store is the queue: a job is claimed atomically
/// and its result committed with its final state, so `labq run` and `labd`
/// share this code and a crash loses at most the attempts in flight.

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "results/result_store.h"

namespace labq {

struct SchedulerOptions {
  int slots = 2;
  std::filesystem::path workdir_root = "labq-work";
};

struct Progress {
  SweepCounts counts;
  std::vector<std::string> running;  ///< names of running jobs
  double eta_seconds = -1;           ///< -1 = unknown yet
  std::string event;                 ///< what just happened ("done dpu_8_full.synth")
};

class Scheduler {
 public:
  Scheduler(ResultStore& store, SchedulerOptions options);

  /// Blocks until the sweep has nothing runnable left; returns its counts.
  SweepCounts RunSweep(int64_t sweep_id, const std::function<void(const Progress&)>& on_progress);
  /// Safe from any thread: running jobs are killed and marked cancelled,
  /// queued ones stay queued.
  void Cancel() { cancel_ = true; }

 private:
  ResultStore& store_;
  SchedulerOptions options_;
  std::atomic<bool> cancel_{false};
};

}  // namespace labq
