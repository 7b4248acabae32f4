#pragma once
/// The reference model the testbench checks the RTL against. Sums fit in 64
/// bits: N <= 1024 and M <= 16 give at most 42 bits.

#include <cstdint>
#include <vector>

#include "dpu/dpu_design.h"

namespace labq {

/// Exact dot product of two unsigned vectors of equal length.
uint64_t DotProduct(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);
/// What the registered output holds for an exact sum under the design's mode.
uint64_t DpuOutput(const DpuDesign& design, uint64_t exact_sum);

}  // namespace labq
