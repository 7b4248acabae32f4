#pragma once
/// Turns validated parameter sets of a group into jobs: a `dpu` configuration
/// becomes a verification job and a synthesis job that waits for it; a `qat`
/// group shares one FP pretraining job among its training jobs.

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "sweep/job_spec.h"

namespace labq {

/// One point of a group's grid/zip with every parameter resolved.
struct ExpandedConfig {
  std::string group;
  std::string kind;
  SourceLocation group_where;
  nlohmann::json params = nlohmann::json::object();
  std::map<std::string, SourceLocation> where;  ///< where each value was written
  std::map<std::string, std::string> key_path;  ///< under which key (groups[0].grid.n)
  std::vector<std::string> varying;             ///< grid/zip keys, in order
};

/// Applies cross-parameter checks and appends the group's jobs to `sweep`.
/// Throws InputError pointing at the offending value.
void AppendJobs(const std::vector<ExpandedConfig>& configs, Sweep& sweep);

}  // namespace labq
