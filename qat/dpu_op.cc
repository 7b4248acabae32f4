#include "qat/dpu_op.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <stdexcept>

#include "qat/dpu_kernel.h"

namespace labq::qat {
namespace {

using torch::Tensor;

torch::Dtype SumType(const DpuSpec& spec) {
  return spec.Float32Exact() ? torch::kFloat32 : torch::kFloat64;
}

/// The fused CPU kernel over all output pixels, split across torch's threads.
template <typename T>
Tensor KernelConv(const Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                  std::int64_t padding, const DpuSpec& spec, std::int64_t ho, std::int64_t wo) {
  const Tensor codes = x.to(SumType(spec)).contiguous();
  const Tensor weights = w.chunks.cpu().contiguous();
  const std::int64_t batch = x.size(0), pixels = batch * ho * wo;
  Tensor out = torch::empty({pixels, w.cout}, x.options().dtype(torch::kFloat64));
  DpuKernelArgs<T> g;
  g.x = codes.data_ptr<T>();
  g.cin = x.size(1);
  g.h = x.size(2);
  g.w = x.size(3);
  g.kh = w.kh;
  g.kw = w.kw;
  g.stride = stride;
  g.padding = padding;
  g.ho = ho;
  g.wo = wo;
  g.weights = weights.data_ptr<T>();
  g.chunks = w.Chunks();
  g.width = weights.size(2);
  g.cout = w.cout;
  g.out = out.data_ptr<double>();
  at::parallel_for(0, pixels, 16, [&](std::int64_t begin, std::int64_t end) {
    DpuConvKernel(g, spec, begin, end);
  });
  return out.view({batch, ho, wo, w.cout}).permute({0, 3, 1, 2});
}

}  // namespace

Tensor& DpuModeOutput_(Tensor& sums, const DpuSpec& spec) {
  switch (spec.mode) {
    case DpuOutMode::kFull:
      break;
    case DpuOutMode::kMsb:
      // S * 2^-shift is exact in binary floating point, floor is the
      // arithmetic shift (toward -inf for negative sums).
      sums.mul_(std::ldexp(1.0, -spec.Shift())).floor_();
      break;
    case DpuOutMode::kLsb:
      if (spec.Signed()) {
        const double half = std::ldexp(1.0, spec.out_bits - 1);
        sums.clamp_(-half, half - 1);
      } else {
        sums.clamp_max_(std::ldexp(1.0, spec.out_bits) - 1);
      }
      break;
  }
  return sums;
}

Tensor DpuCallsOutput(const Tensor& a, const Tensor& b, const DpuSpec& spec) {
  if (a.dim() != 2 || a.sizes() != b.sizes() || a.size(1) != spec.n) {
    throw std::invalid_argument("DPU calls need a and b of shape [calls, N]");
  }
  Tensor value = b;
  if (spec.Signed()) {
    const std::int64_t sign_bit = std::int64_t{1} << (spec.b_bits - 1);
    const Tensor magnitude = b.bitwise_and(sign_bit - 1);
    value = torch::where(b.bitwise_and(sign_bit).ne(0), magnitude.neg(), magnitude);
  }
  // Sums in float64 are exact (|S| < 2^53); the same mode op as the conv.
  Tensor sums = (a.to(torch::kFloat64) * value.to(torch::kFloat64)).sum(1);
  return DpuModeOutput_(sums, spec).to(torch::kInt64);
}

std::int64_t CallsPerOutput(std::int64_t k, const DpuSpec& spec) {
  const std::int64_t chunks = (k + spec.n - 1) / spec.n;
  return spec.Signed() ? chunks : 2 * chunks;
}

DpuConvWeights PrepareDpuConv(const Tensor& codes, const DpuSpec& spec) {
  DpuConvWeights w;
  w.codes = codes.contiguous();
  w.cout = codes.size(0);
  w.kh = codes.size(2);
  w.kw = codes.size(3);
  w.k = codes.size(1) * w.kh * w.kw;
  const std::int64_t chunks = (w.k + spec.n - 1) / spec.n;
  // [Cout, K] in im2col order (channel, row, column), padded to chunks*N.
  Tensor flat = torch::constant_pad_nd(w.codes.reshape({w.cout, w.k}), {0, chunks * spec.n - w.k});
  if (!spec.Signed()) flat = torch::cat({flat.clamp_min(0), flat.neg().clamp_min(0)}, 0);
  w.chunks = flat.reshape({flat.size(0), chunks, spec.n})
                 .permute({1, 2, 0})
                 .contiguous()
                 .to(SumType(spec));
  return w;
}

Tensor DpuConv2d(const Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                 std::int64_t padding, const DpuSpec& spec, DpuConvPath path,
                 std::int64_t max_elements) {
  const std::int64_t batch = x.size(0);
  const std::int64_t ho = (x.size(2) + 2 * padding - w.kh) / stride + 1;
  const std::int64_t wo = (x.size(3) + 2 * padding - w.kw) / stride + 1;
  if (path == DpuConvPath::kKernel || (path == DpuConvPath::kAuto && x.is_cpu())) {
    return spec.Float32Exact() ? KernelConv<float>(x, w, stride, padding, spec, ho, wo)
                               : KernelConv<double>(x, w, stride, padding, spec, ho, wo);
  }
  const std::int64_t chunks = w.Chunks(), n = spec.n, l = ho * wo;
  // [B, K, L] -> zero-padded [B, C*N, L] -> [C, B*L, N]: one GEMM per chunk.
  Tensor cols = torch::im2col(x.to(SumType(spec)), {w.kh, w.kw}, {1, 1}, {padding, padding},
                              {stride, stride});
  cols = torch::constant_pad_nd(cols, {0, 0, 0, chunks * n - w.k});
  cols = cols.view({batch, chunks, n, l}).permute({1, 0, 3, 2}).reshape({chunks, batch * l, n});
  const std::int64_t width = w.chunks.size(2);
  const std::int64_t slab = std::max<std::int64_t>(1, max_elements / (batch * l * width));
  // Mode outputs are small after msb/lsb: their sum over all chunks stays
  // exact in the GEMM's type when chunks * max|y| < 2^24 (full: only when
  // the whole conv's sums do); else accumulate in float64.
  const double max_y =
      spec.mode == DpuOutMode::kFull ? spec.MaxAbsSum() : std::ldexp(1.0, spec.out_bits);
  const bool narrow = cols.scalar_type() == torch::kFloat32 &&
                      max_y * static_cast<double>(chunks) * (spec.Signed() ? 1 : 2) < 16777216.0;
  Tensor acc = torch::zeros({batch * l, w.cout},
                            x.options().dtype(narrow ? torch::kFloat32 : torch::kFloat64));
  for (std::int64_t c0 = 0; c0 < chunks; c0 += slab) {
    const std::int64_t c1 = std::min(chunks, c0 + slab);
    Tensor sums = torch::bmm(cols.slice(0, c0, c1), w.chunks.slice(0, c0, c1));
    DpuModeOutput_(sums, spec);
    Tensor total = narrow ? sums.sum(0) : sums.sum(0, false, torch::kFloat64);
    if (!spec.Signed()) total = total.slice(1, 0, w.cout) - total.slice(1, w.cout, width);
    acc += total;
  }
  acc = acc.to(torch::kFloat64);
  if (spec.Shift() > 0) acc.mul_(std::ldexp(1.0, spec.Shift()));
  return acc.view({batch, ho, wo, w.cout}).permute({0, 3, 1, 2});
}

}  // namespace labq::qat
