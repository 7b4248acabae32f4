#pragma once
/// Who runs a job: "pid:start-time", so a restarted labd can tell a live
/// owner from a dead one whose pid was reused.

#include <cstdint>
#include <string>

namespace labq {

/// This process's owner string.
std::string SelfOwner();
/// True if the process named by `owner` still runs (same pid and start time).
bool OwnerAlive(const std::string& owner);
/// True if any process of the group still exists.
bool ProcessGroupAlive(int64_t pgid);

}  // namespace labq
