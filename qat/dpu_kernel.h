#pragma once
/// The CPU kernel of hweval's DPU conv: for each output pixel, gather its K
/// activation codes (im2col order), then per chunk of N a dot product
/// against every output channel at once, the mode, and the accumulation:
/// no [chunks, pixels, Cout] intermediate ever reaches memory, and zero
/// activations (ReLU outputs, padding) skip their row of products. Exact in
/// T = float while a call's sums stay below 2^24, else T = double; outputs
/// accumulate in double. Torch-free: dpu_op.cc splits the pixels over
/// threads and calls it per range.

#include <cstdint>

#include "qat/dpu_spec.h"

namespace labq::qat {

template <typename T>
struct DpuKernelArgs {
  const T* x = nullptr;  ///< activation codes, contiguous [B, Cin, H, W]
  std::int64_t cin = 0, h = 0, w = 0;
  std::int64_t kh = 0, kw = 0, stride = 1, padding = 0, ho = 0, wo = 0;
  const T* weights = nullptr;  ///< [chunks, N, width] (DpuConvWeights::chunks)
  std::int64_t chunks = 0, width = 0, cout = 0;
  double* out = nullptr;  ///< [B*Ho*Wo, Cout], de-scaled accumulated outputs
};

/// Output pixels [begin, end) of the flattened [B, Ho, Wo].
void DpuConvKernel(const DpuKernelArgs<float>& args, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end);
void DpuConvKernel(const DpuKernelArgs<double>& args, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end);

}  // namespace labq::qat
