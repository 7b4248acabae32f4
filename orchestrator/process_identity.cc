#include "orchestrator/process_identity.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace labq {
namespace {

/// Field 22 of /proc/<pid>/stat: start time in clock ticks since boot.
std::string StartTime(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return "";
  const auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return "";
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

}  // namespace

std::string SelfOwner() {
  const long pid = ::getpid();
  return std::to_string(pid) + ":" + StartTime(pid);
}

bool OwnerAlive(const std::string& owner) {
  const auto colon = owner.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  const long pid = std::stol(owner.substr(0, colon));
  return !StartTime(pid).empty() && StartTime(pid) == owner.substr(colon + 1);
}

bool ProcessGroupAlive(int64_t pgid) {
  if (pgid <= 0) return false;
  return ::kill(-static_cast<pid_t>(pgid), 0) == 0 || errno == EPERM;
}

}  // namespace labq
