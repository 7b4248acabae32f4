#include "process/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>

namespace labq {
namespace bp = boost::process;

namespace {

/// Held from a child's fork until its exec is confirmed, so children start
/// one at a time and CloseBetweenSpawns can wait for a moment without one in
/// between. One at a time also keeps Boost 1.74's exec-error pipe (made
/// without O_CLOEXEC, the flag set afterwards) out of other threads' children:
/// a step holding another's pipe would keep that start waiting until it exits.
std::mutex& SpawnMutex() {
  static std::mutex mutex;
  return mutex;
}

/// Boost.Asio keeps one pipe per process for its signal handlers: the handler
/// writes the signal number into it, and the pipe is closed when the last
/// signal_set service goes away. Each RunSubprocess has its own io_context
/// (Boost.Process's SIGCHLD set lives there), so when one call ended while
/// no other ran, the pipe closed while a SIGCHLD handler on another thread
/// could be writing to it, and the descriptor number, reused for a job's
/// output file, could receive that byte (ThreadSanitizer found the race in
/// the shepherd). A service that lives as long as the process keeps the pipe
/// open; it registers no signal, so nothing is queued for it. Never
/// destroyed, so exit does not race the threads still running steps.
void KeepSignalPipeOpen() {
  static auto* const io = new boost::asio::io_context;
  static auto* const keeper = new boost::asio::signal_set(*io);
  (void)keeper;
}

/// "0.5 s" below ten seconds (a sub-second limit is not "0 s"), "42 s" above.
std::string WallText(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
  return text;
}

}  // namespace

std::string SubprocessResult::Describe() const {
  switch (end) {
    case End::kExited:
      return "exit " + std::to_string(exit_code);
    case End::kSignaled:
      return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    case End::kTimedOut:
      return "timed out after " + WallText(seconds);
    case End::kCancelled:
      return "cancelled";
    case End::kNotStarted:
      return "not started: " + error;
  }
  return "unknown";
}

std::optional<std::filesystem::path> FindExecutable(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return std::filesystem::path(name);
    return std::nullopt;
  }
  auto found = bp::search_path(name);
  if (found.empty()) return std::nullopt;
  return std::filesystem::path(found.string());
}

namespace {

/// argv[0] as an executable path; a relative path with a '/' names a file in
/// the working directory, as for execvp there. Sets `error` when not found.
std::optional<std::filesystem::path> ResolveProgram(const SubprocessSpec& spec,
                                                    std::string& error) {
  std::string program = spec.argv[0];
  if (program.find('/') != std::string::npos && program.front() != '/') {
    program = (spec.working_dir / program).string();
  }
  auto exe = FindExecutable(program);
  if (!exe) error = "'" + spec.argv[0] + "' not found on PATH or not executable";
  return exe;
}

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

/// Boost.Process opens a path given to std_out/std_err without O_TRUNC, so a
/// shorter second run would overwrite the head of the first and leave its
/// tail, which a metric parser then reads as this run's output. Truncate, as
/// the `>` in command.sh does.
File OpenTruncated(const std::filesystem::path& path) {
  // "e": close-on-exec here, so another thread's child does not keep it open
  // (Boost gives the child its copy on fd 1 or 2 with dup2).
  return File(std::fopen(path.c_str(), "we"), &std::fclose);
}

/// Ends a running child's process group when its timeout passes or another
/// thread raises the cancel flag (looked at every 50 ms), and runs the I/O
/// loop until the child is reaped.
class Watchdog {
 public:
  Watchdog(boost::asio::io_context& io, bp::group& group, const bool& exited)
      : io_(io), group_(group), exited_(exited), deadline_(io), poll_(io) {}

  void Arm(std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) return;
    deadline_.expires_after(timeout);
    deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !exited_) {
        timed_out_ = true;
        KillGroup();
      }
    });
  }

  void Watch(const std::atomic<bool>* cancel) {
    if (!cancel) return;
    cancel_ = cancel;
    CheckCancel({});
  }

  /// Stops the timers as soon as the child is reaped so io.run() returns;
  /// then ends grandchildren that outlived the child.
  void WaitForExit() {
    while (!exited_ && io_.run_one() > 0) {
    }
    deadline_.cancel();
    poll_.cancel();
    io_.run();
    KillGroup();
  }

  bool timed_out() const { return timed_out_; }
  bool cancelled() const { return cancelled_; }

 private:
  void KillGroup() {
    std::error_code ec;
    group_.terminate(ec);
  }

  void CheckCancel(const boost::system::error_code& ec) {
    if (ec || exited_) return;
    if (cancel_->load()) {
      cancelled_ = true;
      KillGroup();
      return;
    }
    poll_.expires_after(std::chrono::milliseconds(50));
    poll_.async_wait([this](const boost::system::error_code& e) { CheckCancel(e); });
  }

  boost::asio::io_context& io_;
  bp::group& group_;
  const bool& exited_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer poll_;
  const std::atomic<bool>* cancel_ = nullptr;
  bool timed_out_ = false;
  bool cancelled_ = false;
};

/// How the child ended, from its wait status and what the watchdog did.
void SetEnd(SubprocessResult& result, int status, const Watchdog& watchdog) {
  if (watchdog.timed_out()) {
    result.end = SubprocessResult::End::kTimedOut;
    result.signal = SIGKILL;
  } else if (watchdog.cancelled()) {
    result.end = SubprocessResult::End::kCancelled;
    result.signal = SIGKILL;
  } else if (WIFSIGNALED(status)) {
    result.end = SubprocessResult::End::kSignaled;
    result.signal = WTERMSIG(status);
  } else {
    result.end = SubprocessResult::End::kExited;
    result.exit_code = WEXITSTATUS(status);
  }
}

}  // namespace

SubprocessResult RunSubprocess(const SubprocessSpec& spec, const std::atomic<bool>* cancel,
                               const std::function<void(int pid)>& on_start) {
  SubprocessResult result;
  if (spec.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  const auto exe = ResolveProgram(spec, result.error);
  if (!exe) return result;
  KeepSignalPipeOpen();
  const auto started = std::chrono::steady_clock::now();
  boost::asio::io_context io;
  bp::group group;
  bp::environment env = boost::this_process::environment();
  // Not env[key]: Boost's find() memcmps the key against entries shorter
  // than it (a heap over-read ASan reports); set() checks lengths first.
  for (const auto& [key, value] : spec.extra_env) env.set(key, value);
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  File out = OpenTruncated(spec.stdout_path);
  File err = OpenTruncated(spec.stderr_path);
  if (!out || !err) {
    result.error = "cannot open the output files of '" + spec.argv[0] + "'";
    return result;
  }
  bool exited = false;
  std::error_code launch_error;
  // Between fork and exec, in the child: only fcntl, which is async-signal-safe.
  auto keep_fds = bp::extend::on_exec_setup = [&spec](auto&) {
    for (int fd : spec.inherit_fds) ::fcntl(fd, F_SETFD, 0);
  };
  std::unique_lock spawning(SpawnMutex());
  bp::child child(
      bp::exe = exe->string(), bp::args = args, bp::start_dir = spec.working_dir.string(),
      bp::std_in<bp::null, bp::std_out> out.get(), bp::std_err > err.get(), env, group, io,
      bp::on_exit = [&](int, const std::error_code&) { exited = true; }, keep_fds, launch_error);
  spawning.unlock();  // the child has exec'd (or failed to): it holds only what it inherits
  if (launch_error) {
    result.error = "cannot start '" + spec.argv[0] + "': " + launch_error.message();
    return result;
  }
  result.pid = child.id();
  if (on_start) on_start(result.pid);
  Watchdog watchdog(io, group, exited);
  watchdog.Arm(spec.timeout);
  watchdog.Watch(cancel);
  watchdog.WaitForExit();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  SetEnd(result, child.native_exit_code(), watchdog);
  return result;
}

void CloseBetweenSpawns(int fd) {
  std::lock_guard no_child_starting(SpawnMutex());
  ::close(fd);
}

}  // namespace labq
