#include "orchestrator/local_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "orchestrator/job_lock.h"
#include "orchestrator/slurm_execution.h"
#include "process/subprocess.h"

namespace labq {
namespace {

/// How often a waiting scheduler looks at its runner and the cancel flag.
constexpr auto kPoll = std::chrono::milliseconds(20);
/// A runner told to stop gets this long to stop its steps and write its result.
constexpr auto kStopGrace = std::chrono::seconds(10);

/// Starts `argv` in a new session, stdout/stderr to `log`, holding `lock_fd`
/// across the exec. posix_spawn, not fork: glibc's spawn shares labd's memory
/// until the exec (clone with CLONE_VM|CLONE_VFORK), so labd neither copies its
/// page tables nor takes copy-on-write faults afterwards, once per job.
pid_t SpawnRunner(const std::vector<std::string>& argv, const std::filesystem::path& log,
                  int lock_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&files);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  // dup2 onto itself clears close-on-exec: the runner (and its steps) keep the lock.
  posix_spawn_file_actions_adddup2(&files, lock_fd, lock_fd);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // labd blocks signals for its own reasons
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, args[0], &files, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  if (error != 0) {
    throw Error(log.string() + ": cannot start the job runner " + argv[0] + ": " +
                std::strerror(error));
  }
  return pid;
}

/// Sleeps until `pid` may have exited, at most `kPoll`: on a pidfd the
/// wake-up is the exit itself, so a short job costs no poll interval (a 20 ms
/// sleep per job held labd near 80 no-op jobs/s); without pidfds (Linux < 5.3)
/// it sleeps the interval.
void AwaitExit(int pidfd) {
  if (pidfd >= 0) {
    pollfd fd{pidfd, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(kPoll.count())) >= 0) return;
  }
  std::this_thread::sleep_for(kPoll);
}

/// Reaps the runner; SIGTERM once `cancel` is raised, SIGKILL to its group
/// if it has not stopped after the grace period. Returns the wait status.
int WaitForRunner(pid_t pid, const std::atomic<bool>* cancel) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  std::optional<std::chrono::steady_clock::time_point> stop_sent;
  int status = -1;
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      status = -1;
      break;
    }
    if (cancel && cancel->load() && !stop_sent) {
      ::kill(pid, SIGTERM);
      stop_sent = std::chrono::steady_clock::now();
    }
    if (stop_sent && std::chrono::steady_clock::now() - *stop_sent > kStopGrace) {
      ::kill(-pid, SIGKILL);
    }
    AwaitExit(pidfd);
  }
  if (pidfd >= 0) ::close(pidfd);
  return status;
}

std::string DescribeStatus(int status) {
  if (status < 0) return "could not be waited for";
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

std::optional<JobCompletion> AttemptResult(const std::filesystem::path& dir, int attempt) {
  std::error_code ec;
  if (!std::filesystem::exists(dir / "result.json", ec)) return std::nullopt;
  try {
    const auto r = nlohmann::json::parse(ReadFile((dir / "result.json").string()));
    if (r.value("attempt", -1) != attempt) return std::nullopt;  // an older attempt's file
    return ReadJobResult(dir);
  } catch (const std::exception&) {
    return std::nullopt;  // torn or unreadable: as if it was never written
  }
}

JobCompletion RunJobLocally(const JobRecord& job, const ExecutionEnvironment& env,
                            const std::function<void(int pid)>& on_spawned) {
  const auto started = std::chrono::steady_clock::now();
  const std::filesystem::path dir = job.workdir;
  JobCompletion completion;
  completion.state = JobState::kFailed;
  auto lock = JobLock::TryAcquire(dir);
  if (!lock) {
    completion.error = "an earlier attempt of this job still runs";
    completion.transient = true;
    return completion;
  }
  try {
    PrepareJobDirectory(job, env);
  } catch (const std::exception& e) {
    completion.error = std::string("cannot prepare job directory: ") + e.what();
    return completion;
  }
  const auto labq = FindExecutable(FindLabqBinary());
  if (!labq) {
    completion.error = "cannot find the labq program to run the job (set LABQ_BIN)";
    return completion;
  }
  const pid_t pid =
      SpawnRunner({labq->string(), "exec-job", dir.string()}, dir / "runner.log", lock->fd());
  lock.reset();  // the runner holds it now
  if (on_spawned) on_spawned(pid);
  const int status = WaitForRunner(pid, env.cancel);
  if (auto result = AttemptResult(dir, job.attempts)) return *result;
  completion.error =
      "the job runner " + DescribeStatus(status) + " without writing result.json (see runner.log)";
  completion.transient = status >= 0 && WIFSIGNALED(status);
  completion.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return completion;
}

std::optional<JobCompletion> AwaitOrphanedAttempt(const JobRecord& job,
                                                  const std::atomic<bool>* cancel) {
  const std::filesystem::path dir = job.workdir;
  bool stop_sent = false;
  while (JobLock::Held(dir)) {
    if (cancel && cancel->load() && !stop_sent && job.pid) {
      ::kill(static_cast<pid_t>(*job.pid), SIGTERM);  // the runner, asked to stop its steps
      stop_sent = true;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return AttemptResult(dir, job.attempts);
}

}  // namespace labq
