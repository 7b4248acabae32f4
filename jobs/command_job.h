#pragma once
/// A user's own program as a job: `argv` with {param} substituted from the
/// job's parameters (values validated at parse time, never passed through a
/// shell). Lines `labq-metric NAME VALUE [UNIT]` on stdout become metrics
/// (jobs/metric_lines.h); malformed ones become warnings in warnings.log.

#include "jobs/job_kind.h"

namespace labq {

class CommandJob : public JobKind {
 public:
  std::string Name() const override { return "command"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
};

/// Replaces each {name} (an identifier) in `arg` by the parameter's value
/// ({job_dir} is the job directory); other braces stay as written. Throws
/// JobFailed for an unknown name.
std::string SubstituteParams(const std::string& arg, const nlohmann::json& params,
                             const std::filesystem::path& job_dir);

}  // namespace labq
