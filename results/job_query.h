#pragma once
/// Reads over many jobs at once, for lists and tables: a few range reads for
/// the whole list, returning only what it shows, instead of a full JobRecord
/// (six JSON documents and a dependency query) and a metrics and a texts
/// query per job. bench/query_scale times them on a store of 100,000 jobs.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "results/job_state.h"

namespace labq {

/// Which jobs: one sweep or every sweep, optionally one state and one kind.
struct JobFilter {
  std::optional<int64_t> sweep_id;
  std::optional<JobState> state;  ///< nullopt for any
  std::string kind;               ///< "" for any
};

/// What else to read for each job, in the same snapshot.
struct JobColumns {
  std::vector<std::string> metrics;  ///< metric names: JobRow::metrics
  std::vector<std::string> texts;    ///< text names: JobRow::texts
  /// A kind: JobRow::dependency_state is the state of the job's first
  /// dependency (lowest id) of that kind, such as a synth job's verify job.
  std::string dependency_kind;
  /// Top-level params keys to keep: JobRow::params then holds only these
  /// (those the job has). Empty: the whole document.
  std::vector<std::string> params;
};

/// A job as `labq jobs` and the result tables show it.
struct JobRow {
  int64_t id = 0;
  int64_t sweep_id = 0;
  std::string sweep_name;
  std::string name;
  std::string kind;
  JobState state = JobState::kQueued;
  int attempts = 0;
  double wall_seconds = 0;
  std::string error;
  nlohmann::json params;
  std::vector<std::optional<double>> metrics;     ///< per JobColumns::metrics
  std::vector<std::optional<std::string>> texts;  ///< per JobColumns::texts
  std::optional<JobState> dependency_state;       ///< see JobColumns::dependency_kind
};

}  // namespace labq
