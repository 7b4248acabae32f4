#pragma once
/// The states a job can be in, named in one table. The store keeps the name
/// as text (the jobs.state column and its CHECK list); every reader that
/// decides something from a state asks these functions instead of comparing
/// names, so that a new state (as "timeout" once was) cannot be left out of a
/// count, a summary or an SQL list.

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace labq {

enum class JobState { kQueued, kRunning, kDone, kCached, kFailed, kTimeout, kSkipped, kCancelled };

/// Every state, in lifecycle order (the order the CLI and dashboard list them).
std::span<const JobState> AllJobStates();
/// The names of AllJobStates(), in the same order (CLI choices, table columns).
const std::vector<std::string>& JobStateNames();

/// The stored name ("queued", ..., "cancelled").
std::string_view Name(JobState state);
/// Name(state) as a string, for output (tables, JSON, messages).
std::string ToString(JobState state);
std::optional<JobState> ParseJobState(std::string_view name);
/// A name read back from the store (the schema's CHECK list allows only the
/// names above); throws labq::Error naming it when it is none of them.
JobState StoredJobState(std::string_view name);
/// Writes Name(state) (test failures, logs).
std::ostream& operator<<(std::ostream& out, JobState state);

/// No further change will come without a retry.
bool IsFinal(JobState state);
/// Finished with a result (done, or reused from an identical job: cached).
bool IsSuccess(JobState state);
/// Ran and did not succeed (failed, or killed at its time limit: timeout).
bool IsFailure(JobState state);

/// The same questions about a stored name; an unknown name is none of them.
bool IsFinal(std::string_view name);
bool IsSuccess(std::string_view name);
bool IsFailure(std::string_view name);

/// The names of the states `keep` accepts, quoted for SQL and comma-separated
/// ("'done', 'cached'"), so that `state IN (...)` lists come from this table.
std::string SqlStateList(bool (*keep)(JobState));

}  // namespace labq
