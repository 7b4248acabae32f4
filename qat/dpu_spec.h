#pragma once
/// One DPU call as `labqat hweval` computes it: N elements of a_bits-bit
/// unsigned activations times b_bits-bit weight codes, the exact sum passed
/// through the output mode. The contract shared with the RTL (dpu/, helper
/// labq jobs) and the co-design table:
///
/// * unsigned (the lab's DPU, used by `unsigned-split`): b is a magnitude,
///   S >= 0, W = a_bits + b_bits + ceil(log2 N).
///   msb: y = S >> (W - out_bits); lsb: y = min(S, 2^out_bits - 1).
/// * sign-magnitude: b's bit b_bits-1 is the sign, the rest the magnitude
///   (-0 == 0); S is signed, W = a_bits + (b_bits - 1) + ceil(log2 N) + 1.
///   msb: y = floor(S / 2^(W - out_bits)) (arithmetic shift);
///   lsb: y = clamp(S, -2^(out_bits-1), 2^(out_bits-1) - 1).
/// * full: y = S (W bits). msb's y is worth y * 2^(W - out_bits).
///
/// Torch-free so that the CLI and the RTL test share it without torch headers.

#include <cstdint>
#include <string>
#include <string_view>

namespace labq::qat {

enum class DpuOutMode { kFull, kMsb, kLsb };
std::string_view DpuOutModeName(DpuOutMode m);
/// Throws std::invalid_argument naming the value.
DpuOutMode ParseDpuOutMode(std::string_view name);

/// How signed weights meet the DPU. kUnsignedSplit: the lab's unsigned DPU,
/// positive and negative magnitudes in two calls whose outputs are
/// subtracted after the mode. kSignMagnitude: one call of the signed DPU.
enum class BFormat { kUnsignedSplit, kSignMagnitude };
std::string_view BFormatName(BFormat f);
BFormat ParseBFormat(std::string_view name);

/// ceil(log2 n) for n >= 1 (ceil(log2 1) = 0).
int CeilLog2(std::int64_t n);

struct DpuSpec {
  int n = 128;
  int a_bits = 8;
  int b_bits = 8;  ///< weight code width, sign bit included for sign-magnitude
  int out_bits = 8;
  DpuOutMode mode = DpuOutMode::kFull;
  BFormat format = BFormat::kSignMagnitude;

  bool Signed() const { return format == BFormat::kSignMagnitude; }
  /// Largest weight magnitude a code holds: 2^(b_bits-1) - 1 when signed,
  /// else 2^b_bits - 1 (unsigned-split stores magnitudes, which the trained
  /// codes keep below 2^(b_bits-1) anyway).
  std::int64_t MaxMagnitude() const;
  std::int64_t MaxActivation() const { return (std::int64_t{1} << a_bits) - 1; }
  /// Exact sum width W (see above).
  int FullBits() const;
  /// Width of the DPU's output register: W for full, else out_bits.
  int OutputBits() const { return mode == DpuOutMode::kFull ? FullBits() : out_bits; }
  /// msb: W - out_bits (y is worth y * 2^shift); 0 otherwise.
  int Shift() const { return mode == DpuOutMode::kMsb ? FullBits() - out_bits : 0; }
  /// Largest |S| of one call: N * max activation * max magnitude.
  double MaxAbsSum() const;
  /// True when every sum of one call, and every partial sum in any order, is
  /// an integer float32 holds exactly (< 2^24): the chunk GEMM may run in
  /// float32. Otherwise it runs in float64 (exact below 2^53).
  bool Float32Exact() const;
  /// Why the widths do not fit ("" when they do), starting with the flag:
  /// "--out-bits: ..." when out_bits is wider than W (msb) or not narrower
  /// (lsb), or below 2 for a signed output.
  std::string Problem() const;
};

}  // namespace labq::qat
