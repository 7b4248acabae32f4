#include "viz/run_tool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/text.h"

namespace labq::viz {
namespace {

constexpr size_t kMaxOutput = 64 * 1024;

/// Both ends of a pipe, closed when the scope ends.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) fd[0] = fd[1] = -1;
  }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void CloseWrite() {
    if (fd[1] >= 0) ::close(fd[1]);
    fd[1] = -1;
  }
};

/// In the child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(const std::vector<char*>& args, const std::string& cwd, int out_fd) {
  ::setpgid(0, 0);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd >= 0) ::dup2(null_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(out_fd, 2);
  if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

}  // namespace

std::string ToolRun::Describe() const {
  if (!started) return "not found or not executable";
  if (timed_out) return "timed out";
  if (signal) return "killed by signal " + std::to_string(signal);
  return "exit " + std::to_string(exit_code);
}

std::optional<std::filesystem::path> FindTool(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  for (const auto& dir : Split(path ? path : "/usr/bin:/bin", ':')) {
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return std::nullopt;
}

ToolRun RunTool(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                std::chrono::milliseconds limit) {
  ToolRun run;
  if (argv.empty()) return run;
  const auto exe = FindTool(argv[0]);
  if (!exe) return run;
  std::vector<std::string> owned = argv;
  owned[0] = exe->string();
  std::vector<char*> args;
  for (auto& a : owned) args.push_back(a.data());
  args.push_back(nullptr);
  Pipe out;
  if (out.fd[0] < 0) return run;
  const std::string dir = cwd.string();
  const pid_t pid = ::fork();
  if (pid < 0) return run;
  if (pid == 0) ExecChild(args, dir, out.fd[1]);
  run.started = true;
  out.CloseWrite();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{out.fd[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends it
    const ssize_t n = ::read(out.fd[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child (and anything it started) closed the pipe
    if (run.output.size() < kMaxOutput)
      run.output.append(buffer, std::min(static_cast<size_t>(n), kMaxOutput - run.output.size()));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
  if (run.exit_code == 127 && run.output.empty()) run.started = false;
  return run;
}

}  // namespace labq::viz
