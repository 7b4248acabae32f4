#pragma once
/// The Part 1 figures of merit, computed in one place: a DPU of size N does
/// 2N operations (N multiplies, N adds) per clock cycle.

namespace labq {

struct SynthResult {
  int n = 0;
  double period_ns = 0;  ///< the clock the design was timed at
  double slack_ns = 0;   ///< worst setup slack at that clock
  double area_um2 = 0;
  double power_w = 0;  ///< total power at that clock
};

struct DpuFigures {
  bool timing_met = false;
  double achieved_period_ns = 0;  ///< period if met, else period - slack
  double frequency_hz = 0;        ///< 1 / achieved period: the clock the OPS count
  double fmax_hz = 0;             ///< 1 / (period - slack): what the critical path allows
  double ops_per_s = 0;
  double ops_per_w = 0;
  double ops_per_mm2 = 0;
};

/// f = 1/period when slack >= 0, else 1/(period - slack) (the design runs no
/// faster than its critical path); fmax = 1/(period - slack), met or not (with
/// slack > 0 the clock could be faster than the one the OPS use); OPS = 2N f;
/// OPS/W = OPS / P; OPS/mm^2 = OPS / (area in mm^2). Power is taken as
/// measured at the given period. Throws when period - slack <= 0 (no path).
DpuFigures ComputeDpuFigures(const SynthResult& r);

}  // namespace labq
