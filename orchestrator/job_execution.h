#pragma once
/// Runs one claimed job on this machine: prepares its directory (moving a
/// previous attempt aside), runs the job kind, writes result.json beside the
/// raw outputs, and turns the outcome into a JobCompletion for the store.

#include <atomic>
#include <filesystem>
#include <functional>

#include "results/result_store.h"

namespace labq {

struct ExecutionEnvironment {
  std::filesystem::path stage_dir;  ///< shared staged inputs (liberties)
  std::map<std::string, std::filesystem::path> dependency_dirs;
  const std::atomic<bool>* cancel = nullptr;
  /// Told the process group of each step as it starts (crash recovery).
  std::function<void(int pid)> on_step_start;
  /// Extra environment of every step (CUDA_VISIBLE_DEVICES of a GPU job).
  std::map<std::string, std::string> step_env;
  /// Run in the directory as it is (an executor prepared it) instead of
  /// moving an earlier attempt aside.
  bool keep_directory = false;
  /// Reuse finished steps from the step store (false under --no-cache).
  bool reuse_steps = true;
  /// The job lock's descriptor when it is close-on-exec here (a runner of
  /// many jobs): each step is given it, so the lock lives as long as any
  /// process of the attempt does. -1: the steps inherit what they inherit.
  int lock_fd = -1;
};

JobCompletion ExecuteJob(const JobRecord& job, const ExecutionEnvironment& env);

/// Writes job.json (everything `labq exec-job` needs) into a fresh job
/// directory, moving an earlier attempt aside.
void PrepareJobDirectory(const JobRecord& job, const ExecutionEnvironment& env);
/// Runs the job described by DIR/job.json in DIR (a runner's part: `labq
/// exec-job` runs one, the shepherd many at once), leaving DIR/result.json.
/// `lock_fd` and `on_step_start` as in ExecutionEnvironment. Throws when
/// job.json cannot be read.
JobCompletion ExecutePreparedJob(const std::filesystem::path& dir, const std::atomic<bool>* cancel,
                                 int lock_fd, std::function<void(int pid)> on_step_start);
/// `labq exec-job DIR`: runs the job described by DIR/job.json where it is
/// (on a SLURM node, say) and leaves DIR/result.json. Returns the exit code.
int ExecuteJobInPlace(const std::filesystem::path& dir);
/// Reads what ExecuteJob left in DIR/result.json. Throws labq::Error.
JobCompletion ReadJobResult(const std::filesystem::path& dir);

}  // namespace labq
