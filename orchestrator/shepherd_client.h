#pragma once
/// labd's side of the shepherd (shepherd.h): starts it on the first local
/// job, hands it each job with the job's lock and waits for the job to end;
/// starts a new one when it died. Safe from any number of worker threads.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "orchestrator/job_lock.h"

namespace labq {

class ShepherdClient {
 public:
  ShepherdClient();
  /// Closes the socket: a shepherd with jobs left finishes them on its own.
  ~ShepherdClient();
  ShepherdClient(const ShepherdClient&) = delete;
  ShepherdClient& operator=(const ShepherdClient&) = delete;

  enum class Ended {
    kEnded,  ///< the job ran; its result.json is written (unless it could not be)
    kLost,   ///< the shepherd died first: whatever the job left is all there is
  };
  /// Runs the job prepared in `dir` (job.json), handing `lock` over to the
  /// shepherd, and waits for it. `on_step` is told each step's process group.
  /// A raised `cancel` stops its steps; if they have not stopped after the
  /// grace period, their process group is killed. Throws labq::Error when no
  /// shepherd can be started.
  Ended Run(int64_t job_id, const std::filesystem::path& dir, JobLock lock,
            const std::atomic<bool>* cancel, const std::function<void(int pid)>& on_step);

 private:
  class Connection;
  std::shared_ptr<Connection> Current();

  std::mutex mutex_;
  std::shared_ptr<Connection> current_;
};

}  // namespace labq
