#include "results/job_state.h"

#include <array>
#include <ostream>
#include <utility>

#include "common/error.h"

namespace labq {

namespace {

/// The one table of states and their stored names, in lifecycle order.
constexpr std::array<std::pair<JobState, std::string_view>, 8> kStates = {{
    {JobState::kQueued, "queued"},
    {JobState::kRunning, "running"},
    {JobState::kDone, "done"},
    {JobState::kCached, "cached"},
    {JobState::kFailed, "failed"},
    {JobState::kTimeout, "timeout"},
    {JobState::kSkipped, "skipped"},
    {JobState::kCancelled, "cancelled"},
}};

constexpr std::array<JobState, kStates.size()> kAll = [] {
  std::array<JobState, kStates.size()> out{};
  for (size_t i = 0; i < kStates.size(); ++i) out[i] = kStates[i].first;
  return out;
}();

template <typename Predicate>
bool Check(std::string_view name, Predicate predicate) {
  const auto state = ParseJobState(name);
  return state && predicate(*state);
}

}  // namespace

std::span<const JobState> AllJobStates() { return kAll; }

const std::vector<std::string>& JobStateNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (const auto& [state, name] : kStates) out.emplace_back(name);
    return out;
  }();
  return kNames;
}

std::string_view Name(JobState state) {
  for (const auto& [s, name] : kStates) {
    if (s == state) return name;
  }
  return "unknown";  // only for a value cast from outside the enum
}

std::optional<JobState> ParseJobState(std::string_view name) {
  for (const auto& [state, n] : kStates) {
    if (n == name) return state;
  }
  return std::nullopt;
}

std::string ToString(JobState state) { return std::string(Name(state)); }

JobState StoredJobState(std::string_view name) {
  if (auto state = ParseJobState(name)) return *state;
  throw Error("results database: unknown job state '" + std::string(name) + "'");
}

std::ostream& operator<<(std::ostream& out, JobState state) { return out << Name(state); }

bool IsFinal(JobState state) { return state != JobState::kQueued && state != JobState::kRunning; }

bool IsSuccess(JobState state) { return state == JobState::kDone || state == JobState::kCached; }

bool IsFailure(JobState state) { return state == JobState::kFailed || state == JobState::kTimeout; }

bool IsFinal(std::string_view name) {
  return Check(name, [](JobState s) { return IsFinal(s); });
}

bool IsSuccess(std::string_view name) {
  return Check(name, [](JobState s) { return IsSuccess(s); });
}

bool IsFailure(std::string_view name) {
  return Check(name, [](JobState s) { return IsFailure(s); });
}

std::string SqlStateList(bool (*keep)(JobState)) {
  std::string out;
  for (const auto& [state, name] : kStates) {
    if (!keep(state)) continue;
    out += (out.empty() ? "'" : ", '") + std::string(name) + "'";
  }
  return out;
}

}  // namespace labq
