#include "qat/dpu_op.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "qat/dpu_kernel.h"

namespace labq::qat {
namespace {

using torch::Tensor;

torch::Dtype SumType(const DpuSpec& spec) {
  return spec.Float32Exact() ? torch::kFloat32 : torch::kFloat64;
}

/// Runs `work` on [0, count) cut into one range per torch thread (the
/// caller takes the first). Not at::parallel_for: its OpenMP loop is
/// compiled into this file, which is built without -fopenmp, so it ran
/// every range on one thread.
void SplitOverThreads(std::int64_t count,
                      const std::function<void(std::int64_t, std::int64_t)>& work) {
  if (count <= 0) return;
  const std::int64_t threads = std::clamp<std::int64_t>(torch::get_num_threads(), 1, count);
  std::vector<std::jthread> helpers;
  for (std::int64_t t = 1; t < threads; ++t) {
    helpers.emplace_back(work, count * t / threads, count * (t + 1) / threads);
  }
  work(0, count / threads);
}

/// A kernel's output tensor [pixels, Cout]: float64 sums, or, given a
/// `factor`, float32 sums times the factor; `put` tells the kernel where.
struct KernelOutput {
  Tensor tensor, factor;
  DpuKernelOutput put;

  KernelOutput(std::int64_t pixels, std::int64_t cout, const Tensor& scale_by, const Tensor& like) {
    if (!scale_by.defined()) {
      tensor = torch::empty({pixels, cout}, like.options().dtype(torch::kFloat64));
      put.out = tensor.data_ptr<double>();
      return;
    }
    factor = scale_by.to(torch::kCPU, torch::kFloat64).contiguous();
    tensor = torch::empty({pixels, cout}, like.options().dtype(torch::kFloat32));
    put.scaled = tensor.data_ptr<float>();
    put.factor = factor.data_ptr<double>();
  }
};

/// The direct kernel on a stride-1 conv (qat/dpu_kernel.h DpuDirectArgs).
Tensor DirectConv(const Tensor& x, const DpuConvWeights& w, std::int64_t padding,
                  const DpuSpec& spec, std::int64_t ho, std::int64_t wo, const Tensor& factor) {
  const std::int64_t batch = x.size(0), cin = x.size(1), h = x.size(2);
  const std::int64_t wp = DpuDirectRowLength(x.size(3), w.kw, padding);
  const Tensor padded =
      torch::constant_pad_nd(x.to(torch::kFloat32),
                             {padding, wp - x.size(3) - padding, padding, padding})
          .contiguous();
  const Tensor weights = w.chunks.cpu().to(torch::kFloat32).contiguous();
  DpuDirectArgs g;
  g.x = padded.data_ptr<float>();
  g.cin = cin;
  g.hp = h + 2 * padding;
  g.wp = wp;
  g.ho = ho;
  g.wo = wo;
  std::vector<std::int64_t> taps;
  for (std::int64_t ci = 0; ci < cin; ++ci) {
    for (std::int64_t i = 0; i < w.kh; ++i) {
      for (std::int64_t j = 0; j < w.kw; ++j) taps.push_back((ci * g.hp + i) * wp + j);
    }
  }
  g.taps = taps.data();
  g.k = w.k;
  g.chunks = w.Chunks();
  const std::vector<float> direct =
      DpuDirectWeights(weights.data_ptr<float>(), w.k, weights.size(2));
  g.weights = direct.data();
  g.width = weights.size(2);
  g.width4 = static_cast<std::int64_t>(direct.size()) / w.k;
  g.cout = w.cout;
  KernelOutput out(batch * ho * wo, w.cout, factor, x);
  g.out = out.put;
  SplitOverThreads(batch * ho, [&](std::int64_t begin, std::int64_t end) {
    DpuDirectKernel(g, spec, begin, end);
  });
  return out.tensor.view({batch, ho, wo, w.cout}).permute({0, 3, 1, 2});
}

/// A fused CPU kernel over all output pixels, split across torch's threads:
/// the lane kernel where its float32 sums and int32 totals are exact, else
/// the wide one in float64.
Tensor KernelConv(const Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                  std::int64_t padding, const DpuSpec& spec, std::int64_t ho, std::int64_t wo,
                  const Tensor& factor) {
  const bool lanes = DpuLanesFit(spec, w.Chunks());
  const auto type = lanes ? torch::kFloat32 : torch::kFloat64;
  const Tensor codes = x.to(type).contiguous();
  const Tensor weights = w.chunks.cpu().to(type).contiguous();
  const std::int64_t batch = x.size(0), pixels = batch * ho * wo;
  KernelOutput out(pixels, w.cout, factor, x);
  DpuKernelArgs<float> f;
  DpuKernelArgs<double> d;
  std::vector<float> blocked;
  auto fill = [&](auto& g, const auto* code_data) {
    g.x = code_data;
    g.cin = x.size(1);
    g.h = x.size(2);
    g.w = x.size(3);
    g.kh = w.kh;
    g.kw = w.kw;
    g.stride = stride;
    g.padding = padding;
    g.ho = ho;
    g.wo = wo;
    g.chunks = w.Chunks();
    g.width = weights.size(2);
    g.cout = w.cout;
    g.out = out.put;
  };
  if (lanes) {
    fill(f, codes.data_ptr<float>());
    blocked = BlockDpuWeights(weights.data_ptr<float>(), f.chunks * spec.n, f.width);
    f.weights = blocked.data();
  } else {
    fill(d, codes.data_ptr<double>());
    d.weights = weights.data_ptr<double>();
  }
  SplitOverThreads(pixels, [&](std::int64_t begin, std::int64_t end) {
    lanes ? DpuLaneKernel(f, spec, begin, end) : DpuWideKernel(d, spec, begin, end);
  });
  return out.tensor.view({batch, ho, wo, w.cout}).permute({0, 3, 1, 2});
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

namespace {

/// The CPU kernel for `path`, or an undefined tensor where the GEMMs serve.
Tensor CpuKernelConv(const Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                     std::int64_t padding, const DpuSpec& spec, DpuConvPath path,
                     const Tensor& factor) {
  const std::int64_t ho = (x.size(2) + 2 * padding - w.kh) / stride + 1;
  const std::int64_t wo = (x.size(3) + 2 * padding - w.kw) / stride + 1;
  if (path == DpuConvPath::kLane) return KernelConv(x, w, stride, padding, spec, ho, wo, factor);
  if (path == DpuConvPath::kGemm || (path == DpuConvPath::kAuto && !x.is_cpu())) return {};
  if (stride == 1 && DpuLanesFit(spec, w.Chunks())) {
    return DirectConv(x, w, padding, spec, ho, wo, factor);
  }
  return KernelConv(x, w, stride, padding, spec, ho, wo, factor);
}

}  // namespace

Tensor DpuConv2dScaled(const Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                       std::int64_t padding, const DpuSpec& spec, const Tensor& factor,
                       DpuConvPath path) {
  Tensor y = CpuKernelConv(x, w, stride, padding, spec, path, factor);
  if (y.defined()) return y;
  return (DpuConv2d(x, w, stride, padding, spec, path) * factor.view({1, -1, 1, 1}))
      .to(torch::kFloat32);
}

Tensor DpuConv2d(const Tensor& x, const DpuConvWeights& w, std::int64_t stride,
                 std::int64_t padding, const DpuSpec& spec, DpuConvPath path,
                 std::int64_t max_elements) {
  const Tensor y = CpuKernelConv(x, w, stride, padding, spec, path, {});
  if (y.defined()) return y;
  const std::int64_t batch = x.size(0);
  const std::int64_t ho = (x.size(2) + 2 * padding - w.kh) / stride + 1;
  const std::int64_t wo = (x.size(3) + 2 * padding - w.kw) / stride + 1;
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
