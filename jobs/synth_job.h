#pragma once
/// The `synth` kind: synthesis. On the open flow Yosys maps the DPU to the
/// liberty, OpenSTA times it and estimates power; `flow: genus` runs
/// jobs/genus_flow.h. The clock (jobs/dpu_kind.h ClockSource): a fixed or
/// `lab` period is the synthesis target and the analysis clock; `auto` in a
/// sweep synthesizes toward the slowest critical period of the configuration's
/// mode peers, read from their `synth_probe` jobs (jobs/period_probe.h); a job
/// on its own with `auto` probes at a relaxed clock, then reports at its
/// critical period (slack ~ 0). A `synth` group is one such job per
/// configuration; a `dpu` group's `.synth` jobs are this kind too. Params:
/// DpuParams (jobs/dpu_kind.h). Metrics: SynthMetrics(), the ones
/// results/dpu_table.cc reads among them.

#include "jobs/dpu_kind.h"

namespace labq {

/// Every metric a synth job writes on either flow (genus adds cell_area), with
/// the DPU table column that shows it.
const std::vector<MetricSpec>& SynthMetrics();

/// The probe pass of `auto`: synthesis toward the tool's own delay target,
/// timed at kProbePeriodNs (jobs/clock_period.h); returns the critical
/// period. `params` must say auto.
double ProbeCriticalPeriodNs(const DpuParams& params, const JobContext& context,
                             StepRunner& runner);

class SynthJob : public GroupKind, public JobKind {
 public:
  std::string Name() const override { return "synth"; }
  const std::vector<ParamSpec>& Params() const override { return DpuParamSpecs(); }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override;
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  /// A user RTL file, the liberty, and the synthesis and timing tools' binaries.
  std::optional<std::string> CacheInputs(const nlohmann::json& params) const override;
  std::vector<MetricSpec> Metrics() const override;
};

}  // namespace labq
