#pragma once
/// Synthesis job on the open flow: Yosys maps the DPU to the liberty, OpenSTA
/// times it and estimates power. `clock_period_ns: auto` runs a probe at a
/// relaxed clock, then reports at the critical period (slack ~ 0).

#include "jobs/job_kind.h"

namespace labq {

class SynthJob : public JobKind {
 public:
  std::string Name() const override { return "synth"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  /// A user RTL file, the liberty, and the synthesis and timing tools' binaries.
  std::optional<std::string> CacheInputs(const nlohmann::json& params) const override;
};

}  // namespace labq
