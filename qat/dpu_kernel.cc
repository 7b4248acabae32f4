#include "qat/dpu_kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace labq::qat {
namespace {

/// The contract's output mode on one call's sums (same float arithmetic as
/// DpuModeOutput_: exact on integers).
template <typename T>
inline __attribute__((always_inline)) void ApplyMode(T* acc, std::int64_t count,
                                                     const DpuSpec& spec) {
  switch (spec.mode) {
    case DpuOutMode::kFull:
      return;
    case DpuOutMode::kMsb: {
      // floor of v = S * 2^-shift, |v| < 2^31: truncate through int32 and
      // step down where that rounded up; vectorises without SSE4.1's roundps.
      const T unit = static_cast<T>(std::ldexp(1.0, -spec.Shift()));
      for (std::int64_t o = 0; o < count; ++o) {
        const T v = acc[o] * unit;
        const T t = static_cast<T>(static_cast<std::int32_t>(v));
        acc[o] = t > v ? t - T(1) : t;
      }
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
inline __attribute__((always_inline)) void KernelBody(const DpuKernelArgs<T>& g,
                                                      const DpuSpec& spec, std::int64_t begin,
                                                      std::int64_t end) {
  const std::int64_t n = spec.n, k = g.cin * g.kh * g.kw, pixels = g.ho * g.wo;
  std::vector<T> a(static_cast<std::size_t>(g.chunks * n), T(0));
  std::vector<T> acc(static_cast<std::size_t>(g.width));
  std::vector<double> total(static_cast<std::size_t>(g.cout));
  const double scale = std::ldexp(1.0, spec.Shift());
  // full is the identity per call: sums of several chunks stay exact in T
  // while they stay below 2^24 (float), so flush to double less often.
  const std::int64_t group =
      spec.mode == DpuOutMode::kFull && sizeof(T) == sizeof(float)
          ? std::max<std::int64_t>(1, static_cast<std::int64_t>(16777215.0 / spec.MaxAbsSum()))
          : 1;
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
    for (std::int64_t ch0 = 0; ch0 < g.chunks; ch0 += group) {
      std::fill(acc.begin(), acc.end(), T(0));
      T* __restrict accp = acc.data();
      const std::int64_t rows = std::min(g.chunks, ch0 + group) * n;
      for (std::int64_t i = ch0 * n; i < rows; ++i) {
        const T av = a[i];
        if (av == T(0)) continue;
        const T* __restrict wr = g.weights + i * g.width;
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

namespace {

// One clone per instruction set, picked at load time: AVX2 + FMA where the
// CPU has them (8 floats per instruction), SSE2 elsewhere. Products of
// integers below 2^24 are exact either way, so every clone gives the same
// numbers.
__attribute__((target_clones("arch=haswell", "default"))) void KernelFloat(
    const DpuKernelArgs<float>& g, const DpuSpec& spec, std::int64_t begin, std::int64_t end) {
  KernelBody<float>(g, spec, begin, end);
}

__attribute__((target_clones("arch=haswell", "default"))) void KernelDouble(
    const DpuKernelArgs<double>& g, const DpuSpec& spec, std::int64_t begin, std::int64_t end) {
  KernelBody<double>(g, spec, begin, end);
}

}  // namespace

void DpuConvKernel(const DpuKernelArgs<float>& g, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end) {
  KernelFloat(g, spec, begin, end);
}

void DpuConvKernel(const DpuKernelArgs<double>& g, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end) {
  KernelDouble(g, spec, begin, end);
}

}  // namespace labq::qat
