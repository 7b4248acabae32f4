#pragma once
/// Runs one tool invocation: an argv vector (never a shell string) in its own
/// process group, stdout/stderr to files, a timeout that kills the whole group,
/// and a cancel flag another thread can raise.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace labq {

struct SubprocessSpec {
  std::vector<std::string> argv;  ///< argv[0] is looked up on PATH unless it holds a '/'
  std::filesystem::path working_dir;
  std::filesystem::path stdout_path;     ///< truncated first
  std::filesystem::path stderr_path;     ///< truncated first
  std::chrono::milliseconds timeout{0};  ///< 0 = none
  std::map<std::string, std::string> extra_env;
  /// Descriptors the child keeps across its exec although they are
  /// close-on-exec here: a job's lock (orchestrator/job_lock.h), which a
  /// process running many jobs at once must pass to that job's steps only.
  std::vector<int> inherit_fds;
};

struct SubprocessResult {
  enum class End { kExited, kSignaled, kTimedOut, kCancelled, kNotStarted };
  End end = End::kNotStarted;
  int exit_code = -1;  ///< when kExited
  int signal = 0;      ///< when kSignaled (or the signal used to stop it)
  std::string error;   ///< why it could not start (kNotStarted)
  double seconds = 0;
  int pid = 0;

  bool Succeeded() const { return end == End::kExited && exit_code == 0; }
  /// "exit 0", "exit 3", "killed by signal 9", "timed out after 10 s", ...
  std::string Describe() const;
};

/// Blocks until the process ends, times out or `cancel` becomes true.
/// `on_start` (optional) is told the child's pid once it runs.
SubprocessResult RunSubprocess(const SubprocessSpec& spec,
                               const std::atomic<bool>* cancel = nullptr,
                               const std::function<void(int pid)>& on_start = {});

/// Closes `fd` at a moment when no child of RunSubprocess is between fork
/// and exec. Such a child holds a copy of every descriptor of this process,
/// close-on-exec ones too, until its exec: a process that runs steps of many
/// jobs at once (the shepherd) closing one job's lock while another job's
/// step is being started would see the lock stay held until that exec.
void CloseBetweenSpawns(int fd);

/// Resolves argv[0] like execvp would; nullopt when not found.
std::optional<std::filesystem::path> FindExecutable(const std::string& name);

}  // namespace labq
