#pragma once
/// The `hw_eval` kind, whole (the co-design join of the lab's two parts):
/// - params: HwEvalParams below (typed; the member initializers are the
///   defaults the sweep reader fills, nothing reads a default again);
/// - expansion: one job per configuration, waiting for the nested training
///   job of the qat group `from` names (its weights) and for the synthesis
///   job of a dpu group of the same sweep that builds the DPU it evaluates
///   on (its OPS/W and OPS/mm2, read by results/codesign_table.cc);
/// - cache inputs: none (its weights come from a training job, never cached);
/// - run: `labqat hweval` on the nested job's weights, as a subprocess;
///   its final JSON line becomes metrics;
/// - metrics: HwEvalMetrics() below.

#include <string>
#include <vector>

#include "jobs/job_kind.h"
#include "sweep/group_kind.h"

namespace labq {

/// One hardware-in-the-loop evaluation: which DPU, which weights.
struct HwEvalParams {
  int n = 0;         ///< DPU vector length N; required
  std::string mode;  ///< full, msb, lsb; required
  /// How signed weights meet the DPU: `sign-magnitude` (one call on the
  /// sign-magnitude DPU) or `unsigned-split` (the lab's unsigned DPU, positive
  /// and negative magnitudes in two calls, subtracted).
  std::string b_format = "sign-magnitude";
  int precision = 8;  ///< weight bits: the 8-bit codes or their 4-bit cuts (b_bits)
  int out_bits = 8;   ///< msb/lsb output bits
  int a_bits = 8;     ///< unsigned activation bits
  std::string from;   ///< the qat group whose nested job trained the weights; required
  int calib = 2048;   ///< training images that calibrate the activation scales
  int test_limit = 0;
  int threads = 2;
  int batch = 100;
  std::string device = "cpu";
  double timeout_s = 3600;
  int retries = 0;

  /// The DPU's weight width.
  int BBits() const { return precision; }
  /// The dpu group's `b_format` of the DPU this evaluation runs on:
  /// unsigned-split uses the lab's `unsigned` DPU.
  std::string DpuBFormat() const;
  static HwEvalParams From(const nlohmann::json& params);
};

/// Keys the expansion copies from the nested training job (not user
/// parameters): the data set it trained on, for labqat's --dataset/--data.
inline constexpr char kHwEvalDatasetKey[] = "dataset";
inline constexpr char kHwEvalDataKey[] = "data";

/// The largest K = Cin * kh * kw over the convolutions of labqat's `model`
/// on `dataset` (its in_channels): the longest dot product a DPU call splits.
/// Throws Error for a model or data set labqat does not have.
int MaxConvK(const std::string& model, const std::string& dataset);

/// The metrics `labqat hweval`'s final line gives, by name and unit.
const std::vector<MetricSpec>& HwEvalMetrics();

/// Turns `labqat hweval`'s stdout (JSON lines) into metrics: the numbers of
/// the final line (type "hweval"), its lists and words as texts. Throws
/// JobFailed without a final line.
JobOutput ParseHwEvalOutput(const std::string& stdout_text, const std::string& file);

class HwEvalKind : public GroupKind, public JobKind {
 public:
  std::string Name() const override { return "hw_eval"; }
  const std::vector<ParamSpec>& Params() const override;
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override;
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  std::vector<MetricSpec> Metrics() const override { return HwEvalMetrics(); }
};

}  // namespace labq
