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
};

JobCompletion ExecuteJob(const JobRecord& job, const ExecutionEnvironment& env);

}  // namespace labq
