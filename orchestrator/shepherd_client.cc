#include "orchestrator/shepherd_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "common/error.h"
#include "orchestrator/shepherd_channel.h"
#include "orchestrator/slurm_execution.h"
#include "process/subprocess.h"

namespace labq {
namespace {

/// How often a waiting worker looks at its cancel flag.
constexpr auto kPoll = std::chrono::milliseconds(20);
/// Steps told to stop get this long before their process group is killed.
constexpr auto kStopGrace = std::chrono::seconds(10);
/// How long labd waits for an idle shepherd to exit when it closes the socket.
constexpr int kExitWaitMs = 5000;

/// Starts `labq shepherd --fd 3` in a session of its own with `socket` as
/// fd 3; its output goes to our stderr. posix_spawn, as for exec-job runners.
pid_t SpawnShepherd(int socket) {
  const auto labq = FindExecutable(FindLabqBinary());
  if (!labq) throw Error("cannot find the labq program to run jobs (set LABQ_BIN)");
  std::vector<std::string> argv = {labq->string(), "shepherd", "--fd", "3"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&files);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&files, 2, 1);
  posix_spawn_file_actions_adddup2(&files, socket, 3);  // clears close-on-exec there
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // labd blocks signals for its own reasons
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, args[0], &files, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  if (error != 0) {
    throw Error("cannot start the job shepherd " + argv[0] + ": " + std::strerror(error));
  }
  return pid;
}

/// Reaps `pid`, waiting at most `ms` for it to exit; a shepherd still busy
/// with jobs is left to finish them (init reaps it once labd is gone).
void Reap(pid_t pid, int ms) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{pidfd, POLLIN, 0};
    ::poll(&p, 1, ms);
    ::close(pidfd);
  }
  ::waitpid(pid, nullptr, WNOHANG);
}

}  // namespace

/// One shepherd process and the socket to it; a reader thread hands each
/// message to the worker waiting for that job.
class ShepherdClient::Connection {
 public:
  Connection() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
      throw Error(std::string("cannot make the shepherd's socket: ") + std::strerror(errno));
    }
    socket_ = fds[0];
    try {
      pid_ = SpawnShepherd(fds[1]);
    } catch (...) {
      ::close(fds[0]);
      ::close(fds[1]);
      throw;
    }
    ::close(fds[1]);
    reader_ = std::thread([this] { Read(); });
  }

  ~Connection() {
    ::shutdown(socket_, SHUT_RDWR);  // the reader sees the end; so does the shepherd
    reader_.join();
    ::close(socket_);
    Reap(pid_, kExitWaitMs);
  }

  bool dead() {
    std::lock_guard guard(mutex_);
    return dead_;
  }

  /// False when the shepherd is gone before it took the job (it did not run).
  bool Hand(int64_t job_id, const std::filesystem::path& dir, int lock_fd) {
    {
      std::lock_guard guard(mutex_);
      if (dead_) return false;
      waiters_[job_id] = Waiter{};
    }
    bool sent = false;
    try {
      sent = SendMessage(socket_, {{"run", job_id}, {"dir", dir.string()}}, lock_fd);
    } catch (const std::exception&) {
    }
    if (!sent) {
      std::lock_guard guard(mutex_);
      waiters_.erase(job_id);
      dead_ = true;
    }
    return sent;
  }

  Ended Wait(int64_t job_id, const std::atomic<bool>* cancel,
             const std::function<void(int pid)>& on_step) {
    std::unique_lock lock(mutex_);
    Waiter& w = waiters_.at(job_id);  // std::map: stable while others come and go
    std::optional<std::chrono::steady_clock::time_point> stop_sent;
    while (!w.ended && !dead_) {
      if (!w.new_pids.empty()) {
        const std::vector<int> pids = std::move(w.new_pids);
        w.new_pids.clear();
        lock.unlock();
        for (int pid : pids) {
          if (on_step) on_step(pid);
        }
        lock.lock();
        continue;
      }
      if (cancel && cancel->load() && !stop_sent) {
        lock.unlock();
        try {
          SendMessage(socket_, {{"cancel", job_id}});
        } catch (const std::exception&) {
        }
        lock.lock();
        stop_sent = std::chrono::steady_clock::now();
      }
      if (stop_sent && w.last_pid > 0 &&
          std::chrono::steady_clock::now() - *stop_sent > kStopGrace) {
        ::kill(-w.last_pid, SIGKILL);
      }
      changed_.wait_for(lock, kPoll);
    }
    const Ended ended = w.ended ? Ended::kEnded : Ended::kLost;
    // A step that started and ended between two wake-ups is told too: its
    // "step" message came just before "ended" (seen under load, 3 runs in 100).
    const std::vector<int> untold = std::move(w.new_pids);
    waiters_.erase(job_id);
    lock.unlock();
    for (int pid : untold) {
      if (on_step) on_step(pid);
    }
    return ended;
  }

 private:
  struct Waiter {
    bool ended = false;
    std::vector<int> new_pids;  ///< steps started, not yet told to the worker
    int last_pid = 0;
  };

  void Read() {
    while (true) {
      std::optional<ChannelMessage> message;
      try {
        message = ReceiveMessage(socket_);
      } catch (const std::exception&) {
        message.reset();
      }
      std::lock_guard guard(mutex_);
      if (!message) {
        dead_ = true;  // exited, killed, or we shut the socket
        changed_.notify_all();
        return;
      }
      if (message->fd >= 0) ::close(message->fd);  // none is expected from it
      const auto& body = message->body;
      if (body.contains("step")) {
        if (auto it = waiters_.find(body["step"].get<int64_t>()); it != waiters_.end()) {
          it->second.new_pids.push_back(body.at("pid").get<int>());
          it->second.last_pid = body.at("pid").get<int>();
        }
      } else if (body.contains("ended")) {
        if (auto it = waiters_.find(body["ended"].get<int64_t>()); it != waiters_.end()) {
          it->second.ended = true;
        }
      }
      changed_.notify_all();
    }
  }

  int socket_ = -1;
  pid_t pid_ = -1;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int64_t, Waiter> waiters_;
  bool dead_ = false;
  std::thread reader_;
};

ShepherdClient::ShepherdClient() = default;
ShepherdClient::~ShepherdClient() = default;

std::shared_ptr<ShepherdClient::Connection> ShepherdClient::Current() {
  std::lock_guard guard(mutex_);
  if (!current_ || current_->dead()) current_ = std::make_shared<Connection>();
  return current_;
}

ShepherdClient::Ended ShepherdClient::Run(int64_t job_id, const std::filesystem::path& dir,
                                          JobLock lock, const std::atomic<bool>* cancel,
                                          const std::function<void(int pid)>& on_step) {
  // A shepherd found dead when the job is handed over never saw it: try a new one once.
  for (int tries = 0; tries < 2; ++tries) {
    auto connection = Current();
    if (!connection->Hand(job_id, dir, lock.fd())) continue;
    { JobLock handed = std::move(lock); }  // the shepherd holds it now; closes ours
    return connection->Wait(job_id, cancel, on_step);
  }
  return Ended::kLost;
}

}  // namespace labq
