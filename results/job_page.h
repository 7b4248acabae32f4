#pragma once
/// One page of a sweep's jobs and its progress, read with LIMIT/OFFSET and one
/// GROUP BY, so a page of a 100,000-job sweep costs the same as one of ten
/// (the dashboard's job list; labq's other readers load whole sweeps).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/job_state.h"
#include "results/result_store.h"
#include "results/sqlite.h"

namespace labq {

/// What a job list row shows: no params, argv or texts.
struct JobSummary {
  int64_t id = 0;
  std::string name;
  std::string kind;
  JobState state = JobState::kQueued;
  int attempts = 0;
  double wall_seconds = 0;
  std::string started_at;
  std::string finished_at;
  std::string error;  ///< first line only
};

struct JobPageQuery {
  int64_t sweep_id = 0;
  std::optional<JobState> state;  ///< nullopt for every state
  int64_t offset = 0;
  int64_t limit = 100;
};

/// Jobs of `query.sweep_id` in id order, `limit` from `offset`.
std::vector<JobSummary> QueryJobPage(sql::Database& db, const JobPageQuery& query);

/// Counts per state (one GROUP BY on the covering (sweep_id, state) index)
/// and an ETA, reading at most a few hundred job rows.
struct SweepProgress {
  SweepCounts counts;
  /// Seconds until queued and running jobs end: per kind, the remaining count
  /// times the mean wall time of that kind among the last 500 done jobs, over
  /// the jobs running now (at least one); past 10,000 jobs left, the remaining
  /// count times the overall recent mean. -1 while a kind with work left has
  /// no finished job to measure; 0 when nothing is left.
  double eta_seconds = -1;
};

SweepProgress QuerySweepProgress(sql::Database& db, int64_t sweep_id);

/// A sweep by id ("12") or name (the latest of that name), with description,
/// note and tags but without the wall time SweepDetails() scans jobs for.
std::optional<SweepInfo> QuerySweepHeader(sql::Database& db, const std::string& name_or_id);

}  // namespace labq
