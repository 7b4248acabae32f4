#include "dpu/dpu_metrics.h"

#include "common/error.h"

namespace labq {

DpuFigures ComputeDpuFigures(const SynthResult& r) {
  if (r.n <= 0 || r.period_ns <= 0) throw Error("DPU metrics need N > 0 and a positive period");
  DpuFigures f;
  const double critical_ns = r.period_ns - r.slack_ns;
  if (critical_ns <= 0) throw Error("DPU metrics need a critical path longer than 0 ns");
  f.timing_met = r.slack_ns >= 0;
  f.achieved_period_ns = f.timing_met ? r.period_ns : critical_ns;
  f.frequency_hz = 1e9 / f.achieved_period_ns;
  f.fmax_hz = 1e9 / critical_ns;
  f.ops_per_s = 2.0 * r.n * f.frequency_hz;
  f.ops_per_w = r.power_w > 0 ? f.ops_per_s / r.power_w : 0;
  const double area_mm2 = r.area_um2 * 1e-6;
  f.ops_per_mm2 = area_mm2 > 0 ? f.ops_per_s / area_mm2 : 0;
  return f;
}

}  // namespace labq
