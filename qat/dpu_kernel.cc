#include "qat/dpu_kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace labq::qat {
namespace {

/// The contract's output mode on one call's sums (same float arithmetic as
/// DpuModeOutput_: exact on integers).
template <typename T>
void ApplyMode(T* acc, std::int64_t count, const DpuSpec& spec) {
  switch (spec.mode) {
    case DpuOutMode::kFull:
      return;
    case DpuOutMode::kMsb: {
      const T unit = static_cast<T>(std::ldexp(1.0, -spec.Shift()));
      for (std::int64_t o = 0; o < count; ++o) acc[o] = std::floor(acc[o] * unit);
      return;
    }
    case DpuOutMode::kLsb: {
      const T hi = static_cast<T>(spec.Signed() ? std::ldexp(1.0, spec.out_bits - 1) - 1
                                                : std::ldexp(1.0, spec.out_bits) - 1);
      const T lo = spec.Signed() ? static_cast<T>(-std::ldexp(1.0, spec.out_bits - 1)) : T(0);
      for (std::int64_t o = 0; o < count; ++o) acc[o] = std::min(hi, std::max(lo, acc[o]));
      return;
    }
  }
}

}  // namespace

template <typename T>
void DpuConvKernel(const DpuKernelArgs<T>& g, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end) {
  const std::int64_t n = spec.n, k = g.cin * g.kh * g.kw, pixels = g.ho * g.wo;
  std::vector<T> a(static_cast<std::size_t>(g.chunks * n), T(0));
  std::vector<T> acc(static_cast<std::size_t>(g.width));
  std::vector<double> total(static_cast<std::size_t>(g.cout));
  const double scale = std::ldexp(1.0, spec.Shift());
  for (std::int64_t p = begin; p < end; ++p) {
    const std::int64_t b = p / pixels, r = (p % pixels) / g.wo, c = p % g.wo;
    // Gather the K codes in im2col order; padding is code 0.
    std::int64_t e = 0;
    for (std::int64_t ci = 0; ci < g.cin; ++ci) {
      const T* plane = g.x + (b * g.cin + ci) * g.h * g.w;
      for (std::int64_t i = 0; i < g.kh; ++i) {
        const std::int64_t y = r * g.stride - g.padding + i;
        for (std::int64_t j = 0; j < g.kw; ++j, ++e) {
          const std::int64_t z = c * g.stride - g.padding + j;
          a[e] = (y >= 0 && y < g.h && z >= 0 && z < g.w) ? plane[y * g.w + z] : T(0);
        }
      }
    }
    std::fill(a.begin() + k, a.end(), T(0));
    std::fill(total.begin(), total.end(), 0.0);
    for (std::int64_t ch = 0; ch < g.chunks; ++ch) {
      std::fill(acc.begin(), acc.end(), T(0));
      T* __restrict accp = acc.data();
      for (std::int64_t i = 0; i < n; ++i) {
        const T av = a[ch * n + i];
        if (av == T(0)) continue;
        const T* __restrict wr = g.weights + (ch * n + i) * g.width;
        for (std::int64_t o = 0; o < g.width; ++o) accp[o] += av * wr[o];
      }
      ApplyMode(accp, g.width, spec);
      if (spec.Signed()) {
        for (std::int64_t o = 0; o < g.cout; ++o) total[o] += static_cast<double>(accp[o]);
      } else {
        for (std::int64_t o = 0; o < g.cout; ++o) {
          total[o] += static_cast<double>(accp[o]) - static_cast<double>(accp[o + g.cout]);
        }
      }
    }
    double* out = g.out + p * g.cout;
    for (std::int64_t o = 0; o < g.cout; ++o) out[o] = total[o] * scale;
  }
}

template void DpuConvKernel<float>(const DpuKernelArgs<float>&, const DpuSpec&, std::int64_t,
                                   std::int64_t);
template void DpuConvKernel<double>(const DpuKernelArgs<double>&, const DpuSpec&, std::int64_t,
                                    std::int64_t);

}  // namespace labq::qat
