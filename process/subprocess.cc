#include "process/subprocess.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process.hpp>
#include <cstdio>
#include <functional>
#include <memory>

namespace labq {
namespace bp = boost::process;

namespace {

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

SubprocessResult RunSubprocess(const SubprocessSpec& spec, const std::atomic<bool>* cancel,
                               const std::function<void(int pid)>& on_start) {
  SubprocessResult result;
  if (spec.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  // A relative path with a '/' names a file in the working directory, as for execvp there.
  std::string program = spec.argv[0];
  if (program.find('/') != std::string::npos && program.front() != '/') {
    program = (spec.working_dir / program).string();
  }
  auto exe = FindExecutable(program);
  if (!exe) {
    result.error = "'" + spec.argv[0] + "' not found on PATH or not executable";
    return result;
  }
  const auto started = std::chrono::steady_clock::now();
  boost::asio::io_context io;
  bp::group group;
  bp::environment env = boost::this_process::environment();
  // Not env[key]: Boost's find() memcmps the key against entries shorter
  // than it (a heap over-read ASan reports); set() checks lengths first.
  for (const auto& [key, value] : spec.extra_env) env.set(key, value);
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());

  // Boost.Process opens a path given to std_out/std_err without O_TRUNC, so a
  // shorter second run would overwrite the head of the first and leave its
  // tail, which a metric parser then reads as this run's output. Truncate, as
  // the `>` in command.sh does.
  using File = std::unique_ptr<FILE, int (*)(FILE*)>;
  File out(std::fopen(spec.stdout_path.c_str(), "w"), &std::fclose);
  File err(std::fopen(spec.stderr_path.c_str(), "w"), &std::fclose);
  if (!out || !err) {
    result.error = "cannot open the output files of '" + spec.argv[0] + "'";
    return result;
  }
  bool exited = false;
  std::error_code launch_error;
  bp::child child(
      bp::exe = exe->string(), bp::args = args, bp::start_dir = spec.working_dir.string(),
      bp::std_in<bp::null, bp::std_out> out.get(), bp::std_err > err.get(), env, group, io,
      bp::on_exit = [&](int, const std::error_code&) { exited = true; }, launch_error);
  if (launch_error) {
    result.error = "cannot start '" + spec.argv[0] + "': " + launch_error.message();
    return result;
  }
  result.pid = child.id();
  if (on_start) on_start(result.pid);

  // The timeout and the cancel flag both end in killing the whole group;
  // the flag is looked at every 50 ms since another thread owns it.
  boost::asio::steady_timer deadline(io);
  boost::asio::steady_timer poll(io);
  bool timed_out = false;
  bool cancelled = false;
  auto kill_group = [&] {
    std::error_code ec;
    group.terminate(ec);
  };
  if (spec.timeout.count() > 0) {
    deadline.expires_after(spec.timeout);
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec && !exited) {
        timed_out = true;
        kill_group();
      }
    });
  }
  std::function<void(const boost::system::error_code&)> check_cancel =
      [&](const boost::system::error_code& ec) {
        if (ec || exited) return;
        if (cancel && cancel->load()) {
          cancelled = true;
          kill_group();
          return;
        }
        poll.expires_after(std::chrono::milliseconds(50));
        poll.async_wait(check_cancel);
      };
  if (cancel) check_cancel({});
  // Stop the timers as soon as the child is reaped so io.run() returns.
  while (!exited && io.run_one() > 0) {
  }
  deadline.cancel();
  poll.cancel();
  io.run();
  // The group may still hold grandchildren that outlived the child: end them.
  kill_group();

  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int status = child.native_exit_code();
  if (timed_out) {
    result.end = SubprocessResult::End::kTimedOut;
    result.signal = SIGKILL;
  } else if (cancelled) {
    result.end = SubprocessResult::End::kCancelled;
    result.signal = SIGKILL;
  } else if (WIFSIGNALED(status)) {
    result.end = SubprocessResult::End::kSignaled;
    result.signal = WTERMSIG(status);
  } else {
    result.end = SubprocessResult::End::kExited;
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace labq
