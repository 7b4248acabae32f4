#pragma once
/// The `sim` kind: verification. Lints the DPU, simulates it against the
/// golden model's vectors (Verilator or Icarus) and fails with the mismatches
/// it saw. A `sim` group is one such job per configuration; a `dpu` group's
/// `.verify` jobs are this kind too. Params: DpuParams (jobs/dpu_kind.h).

#include "jobs/dpu_kind.h"

namespace labq {

class SimJob : public GroupKind, public JobKind {
 public:
  std::string Name() const override { return "sim"; }
  const std::vector<ParamSpec>& Params() const override { return DpuParamSpecs(); }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override;
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  /// A user RTL file, and the simulators' binaries.
  std::optional<std::string> CacheInputs(const nlohmann::json& params) const override;
  /// The params without the synthesis and power settings (clock, liberty,
  /// delays, toggle_rate, activity, Genus's), so that changing those does
  /// not rerun verification; whether it writes a VCD stays in.
  nlohmann::json CacheParams(const nlohmann::json& params) const override;
  std::vector<MetricSpec> Metrics() const override;
};

/// Whether verification also dumps the RTL simulation's switching activity
/// (labq_tb.vcd) for Genus's read_vcd: `flow: genus` with `activity: vectors`.
bool WritesActivityVcd(const DpuParams& params);

/// Places the design's Verilog in `dir` (rendered, or the user's `rtl` file
/// copied in) and returns its file name.
std::string PlaceDpuVerilog(const DpuParams& params, const std::filesystem::path& dir);

}  // namespace labq
