#pragma once
/// The CPU kernels of hweval's DPU conv: for each output pixel, gather its K
/// activation codes (im2col order), then per chunk of N a dot product
/// against every output channel at once, the mode, and the accumulation:
/// no [chunks, pixels, Cout] intermediate ever reaches memory, and zero
/// activations (ReLU outputs, padding) skip their row of products.
/// Torch-free: dpu_op.cc splits the pixels over threads and calls a kernel
/// per range.
///
/// Two kernels. The lane kernel (float, the lab's widths) keeps kDpuLanes
/// output channels' sums in registers through all chunks and adds the call
/// outputs as int32. The wide kernel (double) serves sums past 2^24.

#include <cstdint>
#include <vector>

#include "qat/dpu_spec.h"

namespace labq::qat {

/// Where a kernel puts output (pixel, channel): the de-scaled sum y as is
/// into `out`, or, with `factor`, float(y * factor[channel]) into `scaled`
/// (hweval's de-quantised conv, without a float64 tensor in between).
struct DpuKernelOutput {
  double* out = nullptr;           ///< [B*Ho*Wo, Cout]
  float* scaled = nullptr;         ///< [B*Ho*Wo, Cout]
  const double* factor = nullptr;  ///< [Cout], with `scaled`

  void Put(std::int64_t at, std::int64_t channel, double y) const {
    if (scaled) {
      scaled[at] = static_cast<float>(y * factor[channel]);
    } else {
      out[at] = y;
    }
  }
};

template <typename T>
struct DpuKernelArgs {
  const T* x = nullptr;  ///< activation codes, contiguous [B, Cin, H, W]
  std::int64_t cin = 0, h = 0, w = 0;
  std::int64_t kh = 0, kw = 0, stride = 1, padding = 0, ho = 0, wo = 0;
  /// Wide kernel: [chunks, N, width] (DpuConvWeights::chunks). Lane kernel:
  /// the same rows as BlockDpuWeights lays them out.
  const T* weights = nullptr;
  std::int64_t chunks = 0, width = 0, cout = 0;
  DpuKernelOutput out;
};

/// Output channels the lane kernel keeps in registers at once (4 AVX
/// vectors of 8 floats).
inline constexpr std::int64_t kDpuLanes = 32;

/// True when the lane kernel computes `spec` exactly on a conv of `chunks`
/// calls per output: sums in float32 (DpuSpec::Float32Exact) and every
/// output's total of call outputs, both halves of unsigned-split, below 2^31.
bool DpuLanesFit(const DpuSpec& spec, std::int64_t chunks);

/// [rows, width] weights as [ceil(width/kDpuLanes)][rows][kDpuLanes], the
/// columns past `width` zero: a lane block reads its rows in order.
std::vector<float> BlockDpuWeights(const float* weights, std::int64_t rows, std::int64_t width);

/// Output pixels [begin, end) of the flattened [B, Ho, Wo]; needs DpuLanesFit.
void DpuLaneKernel(const DpuKernelArgs<float>& args, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end);

/// A stride-1 conv for the direct kernel: 16 horizontally adjacent output
/// pixels at once, loaded straight from a zero-padded copy of the input
/// (no gather, no per-pixel index work; dense, zeros multiplied too).
struct DpuDirectArgs {
  const float* x = nullptr;  ///< codes [B, Cin, hp, wp], zero border, rows of wp
  std::int64_t cin = 0, hp = 0, wp = 0, ho = 0, wo = 0;
  /// [K]: where tap e (input channel, kernel row, column) of output pixel
  /// (0, 0) lies in one image of `x`; pixel (r, c) adds r * wp + c.
  const std::int64_t* taps = nullptr;
  std::int64_t k = 0, chunks = 0;
  const float* weights = nullptr;  ///< [K, width4] (DpuDirectWeights)
  std::int64_t width = 0, width4 = 0, cout = 0;
  DpuKernelOutput out;
};

/// Output channels and pixels (two vectors of 8) the direct kernel keeps in
/// registers at once.
inline constexpr std::int64_t kDpuDirectChannels = 4;
inline constexpr std::int64_t kDpuDirectPixels = 16;

/// Columns of the padded input a direct conv reads: every block of
/// kDpuDirectPixels output pixels in full, so wp = ceil(wo/16)*16 + kw - 1
/// (at least w + 2*pad).
std::int64_t DpuDirectRowLength(std::int64_t w, std::int64_t kw, std::int64_t padding);

/// [chunks, N, width] weights (DpuConvWeights::chunks) as [K, width4]: the
/// chunks' rows up to K, columns padded with zeros to a multiple of
/// kDpuDirectChannels.
std::vector<float> DpuDirectWeights(const float* chunked, std::int64_t k, std::int64_t width);

/// Output rows [begin, end) of the flattened [B, Ho]; needs DpuLanesFit.
void DpuDirectKernel(const DpuDirectArgs& args, const DpuSpec& spec, std::int64_t begin,
                     std::int64_t end);

/// Tests: run the x86-64 baseline build of every kernel even where the CPU
/// has AVX2 and FMA, so both builds are held to the same numbers.
void UseBaselineDpuKernels(bool baseline);

/// The same for any widths, exact while sums stay below 2^53.
void DpuWideKernel(const DpuKernelArgs<double>& args, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end);

}  // namespace labq::qat
