#pragma once
/// Verification job: lints the DPU, simulates it against the golden model's
/// vectors (Verilator or Icarus) and fails with the mismatches it saw.

#include "jobs/job_kind.h"

namespace labq {

class SimJob : public JobKind {
 public:
  std::string Name() const override { return "sim"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  /// A user RTL file, and the simulators' binaries.
  std::optional<std::string> CacheInputs(const nlohmann::json& params) const override;
};

/// Places the design's Verilog in `dir` (rendered, or the user's `rtl` file
/// copied in) and returns its file name.
std::string PlaceDpuVerilog(const nlohmann::json& params, const std::filesystem::path& dir);

}  // namespace labq
