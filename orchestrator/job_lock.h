#pragma once
/// "An attempt of this job may still run": an flock on `<job dir>.lock`
/// (beside the directory, so it survives the directory being moved aside).
/// The scheduler takes it before it spawns the runner, the runner and its
/// steps inherit it, so it is held without a gap until the last process of
/// the attempt has exited, whichever process died first. No job is started
/// while it is held.

#include <filesystem>
#include <optional>

namespace labq {

class JobLock {
 public:
  /// nullopt when another process holds the lock.
  static std::optional<JobLock> TryAcquire(const std::filesystem::path& job_dir);
  /// True while some process holds it (an attempt is still alive).
  static bool Held(const std::filesystem::path& job_dir);

  JobLock(JobLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  JobLock& operator=(JobLock&&) = delete;
  JobLock(const JobLock&) = delete;
  ~JobLock();
  /// Close-on-exec; a child that should hold the lock clears that flag.
  int fd() const { return fd_; }

 private:
  explicit JobLock(int fd) : fd_(fd) {}
  int fd_;
};

std::filesystem::path JobLockPath(const std::filesystem::path& job_dir);

}  // namespace labq
