#include "orchestrator/job_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace labq {

std::filesystem::path JobLockPath(const std::filesystem::path& job_dir) {
  auto path = job_dir;
  path += ".lock";
  return path;
}

std::optional<JobLock> JobLock::TryAcquire(const std::filesystem::path& job_dir) {
  const auto path = JobLockPath(job_dir);
  std::filesystem::create_directories(path.parent_path());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return JobLock(fd);
}

bool JobLock::Held(const std::filesystem::path& job_dir) {
  const int fd = ::open(JobLockPath(job_dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // never taken: no attempt ran here
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases it if we just took it
  return held;
}

JobLock::~JobLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace labq
