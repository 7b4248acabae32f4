#pragma once
/// The DPU's arithmetic as tensor operations, for `labqat hweval` (every conv
/// of a network computed as chunks of N-element DPU calls) and `labqat
/// dpu-calls` (single calls, held to the RTL by tests/). qat/ may not include
/// dpu/ (cmake/layers.txt), so this is its own implementation of the contract
/// in qat/dpu_spec.h; the RTL-vs-evaluator test keeps the two equal.
///
/// Exactness: every value is an integer held in float32 while a call's sums
/// stay below 2^24 (DpuSpec::Float32Exact, true for the lab's N <= 128 with
/// 8-bit operands), else in float64; chunk outputs are accumulated in float64
/// (exact below 2^53). So BLAS GEMMs compute the sums at full speed, and the
/// result equals integer arithmetic bit for bit.

#include <torch/torch.h>

#include <cstdint>

#include "qat/dpu_spec.h"

namespace labq::qat {

/// y of every call from its exact sums S (integer-valued float tensor of any
/// shape): the output mode of the contract, before de-scaling. In place.
torch::Tensor& DpuModeOutput_(torch::Tensor& sums, const DpuSpec& spec);

/// Single calls: `a` [calls, N] activations (0..2^a_bits-1), `b` [calls, N]
/// b_bits-bit codes as the DPU reads them (magnitudes for unsigned-split,
/// sign bit b_bits-1 + magnitude for sign-magnitude), both int64. Returns y
/// [calls] (int64, signed for sign-magnitude).
torch::Tensor DpuCallsOutput(const torch::Tensor& a, const torch::Tensor& b, const DpuSpec& spec);

/// A conv's integer weights laid out for the chunk GEMMs.
struct DpuConvWeights {
  torch::Tensor codes;   ///< [Cout, Cin, kh, kw] signed integer codes (float)
  torch::Tensor chunks;  ///< [C, N, Cout] signed (sign-magnitude) or
                         ///< [C, N, 2*Cout] magnitudes of the positive, then
                         ///< the negative weights (unsigned-split)
  std::int64_t cout = 0, k = 0, kh = 0, kw = 0;
  std::int64_t Chunks() const { return chunks.size(0); }
};

/// `codes`: signed integer weight codes sign*magnitude, |code| <=
/// spec.MaxMagnitude(). The K = Cin*kh*kw products of an output are taken in
/// im2col order (input channel outermost, then kernel row, then column) and
/// cut into ceil(K/N) calls of N, the last one zero padded.
DpuConvWeights PrepareDpuConv(const torch::Tensor& codes, const DpuSpec& spec);

/// How DpuConv2d computes: kAuto = a fused kernel on the CPU
/// (qat/dpu_kernel.h: the direct one for stride-1 convs, else the lane or
/// wide one), the chunk GEMMs elsewhere (CUDA). Tests force each: kKernel =
/// the CPU choice, kLane = the lane (or wide) kernel on any stride.
enum class DpuConvPath { kAuto, kKernel, kLane, kGemm };

/// The conv of activation codes `x` [B, Cin, H, W] (integers 0..2^a_bits-1,
/// zero padding = code 0) with the weights, every output computed as its
/// DPU calls: each call's sum through the mode, de-scaled (msb: * 2^shift)
/// and accumulated. Returns float64 [B, Cout, Ho, Wo] (channels-last
/// strides), integer valued. The GEMM path unfolds the codes to
/// [chunks, B*Ho*Wo, N] and multiplies by [chunks, N, Cout] over slabs of
/// chunks so that no intermediate exceeds ~`max_elements`.
torch::Tensor DpuConv2d(const torch::Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                        std::int64_t padding, const DpuSpec& spec,
                        DpuConvPath path = DpuConvPath::kAuto,
                        std::int64_t max_elements = std::int64_t{1} << 24);

/// DpuConv2d times a per-output-channel `factor` ([Cout] float64), as
/// float32: the de-quantised conv hweval passes on. The CPU kernels apply
/// the factor as they write, the same double product rounded once to float.
torch::Tensor DpuConv2dScaled(const torch::Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                              std::int64_t padding, const DpuSpec& spec,
                              const torch::Tensor& factor, DpuConvPath path = DpuConvPath::kAuto);

/// DPU calls one output element of the conv takes (both halves for
/// unsigned-split): ceil(K/N) or 2*ceil(K/N).
std::int64_t CallsPerOutput(std::int64_t k, const DpuSpec& spec);

}  // namespace labq::qat
