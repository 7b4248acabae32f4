#include "orchestrator/shepherd.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "orchestrator/job_execution.h"
#include "orchestrator/shepherd_channel.h"
#include "process/subprocess.h"

namespace labq {
namespace {

/// SIGTERM/SIGINT sent to the shepherd itself: every job is stopped (each
/// still writes its result), as exec-job does on its own SIGTERM.
std::atomic<bool> g_stop_all{false};
extern "C" void OnShepherdStop(int) { g_stop_all.store(true); }

/// How often an idle shepherd looks at g_stop_all.
constexpr int kStopPollMs = 100;

class Shepherd {
 public:
  explicit Shepherd(int socket) : socket_(socket) {}
  ~Shepherd() { JoinAll(); }

  /// Takes jobs until labd closes the socket (or dies).
  void Serve() {
    while (true) {
      if (g_stop_all.load()) CancelAll();
      pollfd p{socket_, POLLIN, 0};
      if (::poll(&p, 1, kStopPollMs) <= 0) continue;  // a timeout, or EINTR from SIGTERM
      std::optional<ChannelMessage> message;
      try {
        message = ReceiveMessage(socket_);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "labq shepherd: %s\n", e.what());
        continue;
      }
      if (!message) break;  // labd is gone: finish what we have, take nothing more
      Handle(std::move(*message));
      JoinFinished();
    }
    // No one may read our messages now; the jobs' results are in their folders.
    JoinAll();
  }

 private:
  struct Job {
    int64_t id = 0;
    std::atomic<bool> cancel{false};
    std::thread thread;
  };

  void Handle(ChannelMessage message) {
    const auto& body = message.body;
    if (body.contains("run") && message.fd >= 0) {
      Start(body["run"].get<int64_t>(), body.at("dir").get<std::string>(), message.fd);
    } else if (body.contains("cancel")) {
      const int64_t id = body["cancel"].get<int64_t>();
      std::lock_guard guard(mutex_);
      for (auto& [seq, job] : jobs_) {
        if (job->id == id) job->cancel.store(true);
      }
    } else {
      if (message.fd >= 0) ::close(message.fd);
      std::fprintf(stderr, "labq shepherd: ignored a message: %s\n", body.dump().c_str());
    }
  }

  /// One job on a thread of its own, holding `lock_fd` until its result is
  /// written and its last step has exited.
  void Start(int64_t id, std::string dir, int lock_fd) {
    auto job = std::make_shared<Job>();
    job->id = id;
    std::lock_guard guard(mutex_);
    const uint64_t seq = next_seq_++;  // not the job id: a retry may come before we join
    jobs_[seq] = job;
    job->thread = std::thread([this, id, seq, dir = std::move(dir), lock_fd, job] {
      try {
        ExecutePreparedJob(dir, &job->cancel, lock_fd, [this, id](int pid) {
          Send({{"step", id}, {"pid", pid}});
        });
      } catch (const std::exception& e) {
        // No result.json: labd reports the attempt as ended without one.
        std::fprintf(stderr, "labq shepherd: %s: %s\n", dir.c_str(), e.what());
      }
      // After result.json: whoever sees the lock free finds the result. Not
      // while another job's step is between fork and exec (it holds a copy
      // of lock_fd until its exec): "ended" must find the lock free.
      CloseBetweenSpawns(lock_fd);
      {
        std::lock_guard done(mutex_);
        finished_.push_back(seq);
      }
      Send({{"ended", id}});
    });
  }

  void Send(const nlohmann::json& body) {
    std::lock_guard guard(send_mutex_);
    try {
      SendMessage(socket_, body);  // false once labd is gone: the result is in the folder
    } catch (const std::exception& e) {
      std::fprintf(stderr, "labq shepherd: %s\n", e.what());
    }
  }

  void CancelAll() {
    std::lock_guard guard(mutex_);
    for (auto& [id, job] : jobs_) job->cancel.store(true);
  }

  void JoinFinished() {
    std::vector<std::shared_ptr<Job>> done;
    {
      std::lock_guard guard(mutex_);
      for (uint64_t seq : finished_) {
        if (auto it = jobs_.find(seq); it != jobs_.end()) {
          done.push_back(it->second);
          jobs_.erase(it);
        }
      }
      finished_.clear();
    }
    for (auto& job : done) job->thread.join();
  }

  void JoinAll() {
    while (true) {
      std::shared_ptr<Job> job;
      {
        std::lock_guard guard(mutex_);
        if (jobs_.empty()) break;
        job = jobs_.begin()->second;
        jobs_.erase(jobs_.begin());
      }
      if (g_stop_all.load()) job->cancel.store(true);
      job->thread.join();
    }
  }

  int socket_;
  std::mutex mutex_;                               ///< guards jobs_ and finished_
  std::map<uint64_t, std::shared_ptr<Job>> jobs_;  ///< by sequence number
  std::vector<uint64_t> finished_;
  uint64_t next_seq_ = 0;
  std::mutex send_mutex_;
};

}  // namespace

int ServeShepherd(int socket) {
  // Our steps must not hold the socket: labd sees us gone only when it closes.
  ::fcntl(socket, F_SETFD, FD_CLOEXEC);
  struct sigaction stop {};
  stop.sa_handler = OnShepherdStop;  // no SA_RESTART: poll returns at once
  ::sigaction(SIGTERM, &stop, nullptr);
  ::sigaction(SIGINT, &stop, nullptr);
  Shepherd(socket).Serve();
  return 0;
}

}  // namespace labq
