#pragma once
/// Runs a helper tool (gnuplot, `yosys -V`) for figures and reports: an argv
/// vector, never a shell string, in a chosen folder, with its output captured
/// and a time limit. Kept in viz/ so figures need nothing from orchestrator/.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace labq::viz {

struct ToolRun {
  bool started = false;  ///< false: not found or could not be executed
  int exit_code = -1;    ///< when it exited
  int signal = 0;        ///< when a signal ended it (SIGKILL after the time limit)
  bool timed_out = false;
  std::string output;  ///< stdout and stderr together, at most 64 KiB

  bool Succeeded() const { return started && !timed_out && signal == 0 && exit_code == 0; }
  /// "exit 1", "killed by signal 9", "timed out after 30 s", "not found".
  std::string Describe() const;
};

/// Runs `argv` (argv[0] looked up on PATH) in `cwd` (the current folder when
/// empty), stdin from /dev/null, and waits for it, killing it past `limit`.
ToolRun RunTool(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                std::chrono::milliseconds limit = std::chrono::seconds(60));

/// argv[0] resolved on PATH like execvp does; nullopt when absent.
std::optional<std::filesystem::path> FindTool(const std::string& name);

}  // namespace labq::viz
