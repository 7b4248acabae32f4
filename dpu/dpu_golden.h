#pragma once
/// The reference model the testbench checks the RTL against, and the DPU
/// call the hardware-in-the-loop evaluator makes. Sums fit in 64 bits: N <=
/// 1024 and a_bits, b_bits <= 16 give at most 43 bits.

#include <cstdint>
#include <vector>

#include "dpu/dpu_design.h"

namespace labq {

/// Exact dot product of two unsigned vectors of equal length.
uint64_t DotProduct(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

/// The signed value of weight code `code` under the design's format:
/// unsigned codes are themselves; sign-magnitude codes are ±magnitude
/// (bit b_bits-1 the sign, -0 == 0).
int64_t WeightValue(const DpuDesign& design, uint32_t code);
/// Exact sum S = sum a_i * WeightValue(b_i) (signed for sign-magnitude).
int64_t DpuSum(const DpuDesign& design, const std::vector<uint32_t>& a,
               const std::vector<uint32_t>& b);
/// What the mode makes of the exact sum, as a number: full S; msb
/// floor(S / 2^(W - out_bits)); lsb S clamped to [0, 2^out_bits - 1]
/// (unsigned) or [-2^(out_bits-1), 2^(out_bits-1) - 1] (sign-magnitude).
int64_t DpuValue(const DpuDesign& design, int64_t exact_sum);
/// The OutputBits()-bit pattern the output register holds for a mode's value
/// (two's complement for sign-magnitude).
uint64_t DpuOutputWord(const DpuDesign& design, int64_t value);
/// DpuOutputWord(DpuValue(exact_sum)): what the register holds.
uint64_t DpuOutput(const DpuDesign& design, int64_t exact_sum);

}  // namespace labq
