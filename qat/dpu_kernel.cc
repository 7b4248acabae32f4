#include "qat/dpu_kernel.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstring>
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

/// GCC vector types: one AVX register each where the clone has AVX, two
/// SSE registers elsewhere; same numbers either way (integers below 2^24).
typedef float F8 __attribute__((vector_size(32)));
typedef std::int32_t I8 __attribute__((vector_size(32)));
constexpr std::int64_t kVectors = kDpuLanes / 8;

/// Adds the mode of one call on 8 exact integer sums to `total` as int32:
/// msb is the arithmetic shift (floor), lsb the clamp. (Vectors by
/// reference: the default clone has no AVX to pass them in.)
template <DpuOutMode M>
inline __attribute__((always_inline)) void AddLaneMode(const F8& sums, int shift, const I8& lo,
                                                       const I8& hi, I8& total) {
  I8 y = __builtin_convertvector(sums, I8);
  if constexpr (M == DpuOutMode::kMsb) y >>= shift;
  if constexpr (M == DpuOutMode::kLsb) {
    y = y < lo ? lo : y;
    y = y > hi ? hi : y;
  }
  total += y;
}

/// The clamp of lsb for AddLaneMode, broadcast.
struct LaneBounds {
  I8 lo, hi;
  explicit LaneBounds(const DpuSpec& spec) {
    const std::int64_t top =
        spec.Signed() ? std::int64_t{1} << (spec.out_bits - 1) : (std::int64_t{1} << spec.out_bits);
    lo = I8{} + static_cast<std::int32_t>(spec.Signed() ? -top : 0);
    hi = I8{} + static_cast<std::int32_t>(std::min<std::int64_t>(top - 1, INT32_MAX));
  }
};

/// The activation codes of one output pixel in im2col order for the wide
/// kernel, padding as code 0 (the last chunk's tail stays 0).
inline __attribute__((always_inline)) void Gather(const DpuKernelArgs<double>& g, std::int64_t p,
                                                  double* a) {
  const std::int64_t pixels = g.ho * g.wo;
  const std::int64_t b = p / pixels, r = (p % pixels) / g.wo, c = p % g.wo;
  std::int64_t e = 0;
  for (std::int64_t ci = 0; ci < g.cin; ++ci) {
    const double* plane = g.x + (b * g.cin + ci) * g.h * g.w;
    for (std::int64_t i = 0; i < g.kh; ++i) {
      const std::int64_t y = r * g.stride - g.padding + i;
      for (std::int64_t j = 0; j < g.kw; ++j, ++e) {
        const std::int64_t z = c * g.stride - g.padding + j;
        a[e] = (y >= 0 && y < g.h && z >= 0 && z < g.w) ? plane[y * g.w + z] : 0.0;
      }
    }
  }
}

/// The nonzero activation codes of output pixel `p` (ReLU zeros and
/// padding add nothing to any sum) and their im2col rows, in row order,
/// gathered straight from the input: chunk c's are [start[c], start[c+1]),
/// kernel line l's (input channel, kernel row) begin at line_start[l].
inline __attribute__((always_inline)) void NonzeroTaps(const DpuKernelArgs<float>& g,
                                                       std::int64_t p, std::int64_t n,
                                                       std::int32_t* rows, float* values,
                                                       std::int32_t* line_start,
                                                       std::int32_t* start) {
  const std::int64_t pixels = g.ho * g.wo;
  const std::int64_t b = p / pixels, r = (p % pixels) / g.wo, c = p % g.wo;
  const std::int64_t z0 = c * g.stride - g.padding;
  // Kernel columns that land inside the image; the rest are padding.
  const std::int64_t j_lo = std::max<std::int64_t>(0, -z0);
  const std::int64_t j_hi = std::min<std::int64_t>(g.kw, g.w - z0);
  std::int32_t count = 0;
  std::int64_t e = 0;
  for (std::int64_t ci = 0; ci < g.cin; ++ci) {
    const float* plane = g.x + (b * g.cin + ci) * g.h * g.w;
    for (std::int64_t i = 0; i < g.kh; ++i, e += g.kw) {
      line_start[ci * g.kh + i] = count;
      const std::int64_t y = r * g.stride - g.padding + i;
      if (y < 0 || y >= g.h) continue;
      const float* line = plane + y * g.w + z0;
      for (std::int64_t j = j_lo; j < j_hi; ++j) {
        // Written always, kept when nonzero: no branch to mispredict.
        rows[count] = static_cast<std::int32_t>(e + j);
        values[count] = line[j];
        count += line[j] != 0.0f;
      }
    }
  }
  line_start[g.cin * g.kh] = count;
  // Chunk k starts at row k*n, inside kernel line q: at most kw taps to skip.
  for (std::int64_t k = 0; k < g.chunks; ++k) {
    const std::int64_t q = std::min(k * n / g.kw, g.cin * g.kh);
    std::int32_t t = line_start[q];
    while (t < count && rows[t] < k * n) ++t;
    start[k] = t;
  }
  start[g.chunks] = count;
}

/// One lane block of one pixel: per chunk, kDpuLanes sums in registers over
/// the chunk's nonzero rows, the mode, and the int32 totals.
template <DpuOutMode M>
inline __attribute__((always_inline)) void LaneBlock(const float* values, const std::int32_t* rows,
                                                     const std::int32_t* start, std::int64_t chunks,
                                                     const float* w, int shift, const I8& lo,
                                                     const I8& hi, std::int32_t* totals) {
  I8 total[kVectors] = {};
  for (std::int64_t c = 0; c < chunks; ++c) {
    F8 acc[kVectors] = {};
    for (std::int32_t t = start[c]; t < start[c + 1]; ++t) {
      const float a = values[t];
      const F8 av = {a, a, a, a, a, a, a, a};
      const float* wr = w + std::int64_t{rows[t]} * kDpuLanes;
      for (std::int64_t v = 0; v < kVectors; ++v) {
        F8 wv;
        std::memcpy(&wv, wr + 8 * v, sizeof wv);
        acc[v] += av * wv;
      }
    }
    for (std::int64_t v = 0; v < kVectors; ++v) AddLaneMode<M>(acc[v], shift, lo, hi, total[v]);
  }
  std::memcpy(totals, total, sizeof total);
}

/// The lane kernel for output pixels [begin, end).
template <DpuOutMode M>
inline __attribute__((always_inline)) void LaneKernel(const DpuKernelArgs<float>& g,
                                                      const DpuSpec& spec, std::int64_t begin,
                                                      std::int64_t end) {
  const std::int64_t n = spec.n, rows_per_block = g.chunks * n;
  const std::int64_t blocks = (g.width + kDpuLanes - 1) / kDpuLanes;
  std::vector<float> values(static_cast<std::size_t>(rows_per_block));
  std::vector<std::int32_t> rows(static_cast<std::size_t>(rows_per_block));
  std::vector<std::int32_t> start(static_cast<std::size_t>(g.chunks + 1));
  std::vector<std::int32_t> line_start(static_cast<std::size_t>(g.cin * g.kh + 1));
  std::vector<std::int32_t> totals(static_cast<std::size_t>(blocks * kDpuLanes));
  const bool is_signed = spec.Signed();
  const LaneBounds bounds(spec);
  const double scale = std::ldexp(1.0, spec.Shift());
  for (std::int64_t p = begin; p < end; ++p) {
    NonzeroTaps(g, p, n, rows.data(), values.data(), line_start.data(), start.data());
    for (std::int64_t k = 0; k < blocks; ++k) {
      LaneBlock<M>(values.data(), rows.data(), start.data(), g.chunks,
                   g.weights + k * rows_per_block * kDpuLanes, spec.Shift(), bounds.lo, bounds.hi,
                   totals.data() + k * kDpuLanes);
    }
    for (std::int64_t o = 0; o < g.cout; ++o) {
      const double y =
          is_signed ? double(totals[o]) : double(totals[o]) - double(totals[o + g.cout]);
      g.out.Put(p * g.cout + o, o, y * scale);
    }
  }
}

/// kDpuDirectPixels output pixels (two vectors) times kDpuDirectChannels
/// channels: per chunk the sums in registers, the mode, the int32 totals;
/// written to totals[channel * stride + pixel]. Eight independent sums keep
/// both FMA units busy through their latency.
template <DpuOutMode M>
inline __attribute__((always_inline)) void DirectBlock(const DpuDirectArgs& g, std::int64_t n,
                                                       const float* x, const float* w, int shift,
                                                       const LaneBounds& bounds,
                                                       std::int32_t* totals, std::int64_t stride) {
  constexpr std::int64_t kC = kDpuDirectChannels;
  I8 total[2][kC] = {};
  for (std::int64_t c = 0; c < g.chunks; ++c) {
    F8 acc[2][kC] = {};
    const std::int64_t last = std::min(g.k, (c + 1) * n);
    for (std::int64_t e = c * n; e < last; ++e) {
      F8 a0, a1;
      std::memcpy(&a0, x + g.taps[e], sizeof a0);
      std::memcpy(&a1, x + g.taps[e] + 8, sizeof a1);
      const float* wr = w + e * g.width4;
      for (std::int64_t q = 0; q < kC; ++q) {
        const float v = wr[q];
        const F8 wq = {v, v, v, v, v, v, v, v};
        acc[0][q] += a0 * wq;
        acc[1][q] += a1 * wq;
      }
    }
    for (std::int64_t h = 0; h < 2; ++h) {
      for (std::int64_t q = 0; q < kC; ++q) {
        AddLaneMode<M>(acc[h][q], shift, bounds.lo, bounds.hi, total[h][q]);
      }
    }
  }
  for (std::int64_t h = 0; h < 2; ++h) {
    for (std::int64_t q = 0; q < kC; ++q) {
      std::memcpy(totals + q * stride + 8 * h, &total[h][q], sizeof(I8));
    }
  }
}

/// The direct kernel for output rows [begin, end) of [B, Ho].
template <DpuOutMode M>
inline __attribute__((always_inline)) void DirectKernel(const DpuDirectArgs& g, const DpuSpec& spec,
                                                        std::int64_t begin, std::int64_t end) {
  const std::int64_t blocks = (g.wo + kDpuDirectPixels - 1) / kDpuDirectPixels;
  const std::int64_t stride = blocks * kDpuDirectPixels;
  std::vector<std::int32_t> totals(static_cast<std::size_t>(g.width4 * stride));
  const LaneBounds bounds(spec);
  const double scale = std::ldexp(1.0, spec.Shift());
  for (std::int64_t row = begin; row < end; ++row) {
    const std::int64_t b = row / g.ho, r = row % g.ho;
    const float* image = g.x + (b * g.cin * g.hp + r) * g.wp;
    for (std::int64_t v = 0; v < stride; v += kDpuDirectPixels) {
      for (std::int64_t o = 0; o < g.width4; o += kDpuDirectChannels) {
        DirectBlock<M>(g, spec.n, image + v, g.weights + o, spec.Shift(), bounds,
                       totals.data() + o * stride + v, stride);
      }
    }
    const std::int64_t first = row * g.wo * g.cout;
    for (std::int64_t c = 0; c < g.wo; ++c) {
      for (std::int64_t o = 0; o < g.cout; ++o) {
        const double y = spec.Signed() ? double(totals[o * stride + c])
                                       : double(totals[o * stride + c]) -
                                             double(totals[(o + g.cout) * stride + c]);
        g.out.Put(first + c * g.cout + o, o, y * scale);
      }
    }
  }
}

inline __attribute__((always_inline)) void DirectBody(const DpuDirectArgs& g, const DpuSpec& spec,
                                                      std::int64_t begin, std::int64_t end) {
  switch (spec.mode) {
    case DpuOutMode::kFull:
      return DirectKernel<DpuOutMode::kFull>(g, spec, begin, end);
    case DpuOutMode::kMsb:
      return DirectKernel<DpuOutMode::kMsb>(g, spec, begin, end);
    case DpuOutMode::kLsb:
      return DirectKernel<DpuOutMode::kLsb>(g, spec, begin, end);
  }
}

/// The wide kernel's loop: one call at a time in double.
inline __attribute__((always_inline)) void WideBody(const DpuKernelArgs<double>& g,
                                                    const DpuSpec& spec, std::int64_t begin,
                                                    std::int64_t end) {
  const std::int64_t n = spec.n;
  std::vector<double> a(static_cast<std::size_t>(g.chunks * n), 0.0);
  std::vector<double> acc(static_cast<std::size_t>(g.width));
  std::vector<double> total(static_cast<std::size_t>(g.cout));
  const double scale = std::ldexp(1.0, spec.Shift());
  for (std::int64_t p = begin; p < end; ++p) {
    Gather(g, p, a.data());
    std::fill(total.begin(), total.end(), 0.0);
    for (std::int64_t ch = 0; ch < g.chunks; ++ch) {
      std::fill(acc.begin(), acc.end(), 0.0);
      double* __restrict accp = acc.data();
      for (std::int64_t i = ch * n; i < (ch + 1) * n; ++i) {
        const double av = a[i];
        if (av == 0.0) continue;
        const double* __restrict wr = g.weights + i * g.width;
        for (std::int64_t o = 0; o < g.width; ++o) accp[o] += av * wr[o];
      }
      ApplyMode(accp, g.width, spec);
      for (std::int64_t o = 0; o < g.cout; ++o) {
        total[o] += spec.Signed() ? accp[o] : accp[o] - accp[o + g.cout];
      }
    }
    for (std::int64_t o = 0; o < g.cout; ++o) g.out.Put(p * g.cout + o, o, total[o] * scale);
  }
}

inline __attribute__((always_inline)) void LaneBody(const DpuKernelArgs<float>& g,
                                                    const DpuSpec& spec, std::int64_t begin,
                                                    std::int64_t end) {
  switch (spec.mode) {
    case DpuOutMode::kFull:
      return LaneKernel<DpuOutMode::kFull>(g, spec, begin, end);
    case DpuOutMode::kMsb:
      return LaneKernel<DpuOutMode::kMsb>(g, spec, begin, end);
    case DpuOutMode::kLsb:
      return LaneKernel<DpuOutMode::kLsb>(g, spec, begin, end);
  }
}

// Each kernel compiled twice: for AVX2 + FMA (8 floats per instruction) and
// for the x86-64 baseline (SSE2), picked by what the CPU reports. Not
// target_clones("arch=haswell"): its resolver asks for that Intel model, so
// an AMD CPU with AVX2 got the SSE2 code. Products and sums of integers
// below 2^24 are exact either way, so both give the same numbers.
__attribute__((target("avx2,fma"))) void LaneAvx2(const DpuKernelArgs<float>& g,
                                                  const DpuSpec& spec, std::int64_t begin,
                                                  std::int64_t end) {
  LaneBody(g, spec, begin, end);
}

void LaneBaseline(const DpuKernelArgs<float>& g, const DpuSpec& spec, std::int64_t begin,
                  std::int64_t end) {
  LaneBody(g, spec, begin, end);
}

__attribute__((target("avx2,fma"))) void DirectAvx2(const DpuDirectArgs& g, const DpuSpec& spec,
                                                    std::int64_t begin, std::int64_t end) {
  DirectBody(g, spec, begin, end);
}

void DirectBaseline(const DpuDirectArgs& g, const DpuSpec& spec, std::int64_t begin,
                    std::int64_t end) {
  DirectBody(g, spec, begin, end);
}

__attribute__((target("avx2,fma"))) void WideAvx2(const DpuKernelArgs<double>& g,
                                                  const DpuSpec& spec, std::int64_t begin,
                                                  std::int64_t end) {
  WideBody(g, spec, begin, end);
}

void WideBaseline(const DpuKernelArgs<double>& g, const DpuSpec& spec, std::int64_t begin,
                  std::int64_t end) {
  WideBody(g, spec, begin, end);
}

std::atomic<bool> force_baseline{false};

bool HasAvx2Fma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has && !force_baseline.load(std::memory_order_relaxed);
}

}  // namespace

bool DpuLanesFit(const DpuSpec& spec, std::int64_t chunks) {
  if (!spec.Float32Exact() || spec.Shift() > 30) return false;
  const double max_y =
      spec.mode == DpuOutMode::kFull ? spec.MaxAbsSum() : std::ldexp(1.0, spec.out_bits);
  return max_y * static_cast<double>(chunks) < 2147483647.0;
}

std::vector<float> BlockDpuWeights(const float* weights, std::int64_t rows, std::int64_t width) {
  const std::int64_t blocks = (width + kDpuLanes - 1) / kDpuLanes;
  std::vector<float> out(static_cast<std::size_t>(blocks * rows * kDpuLanes), 0.0f);
  for (std::int64_t k = 0; k < blocks; ++k) {
    for (std::int64_t i = 0; i < rows; ++i) {
      for (std::int64_t l = 0; l < kDpuLanes && k * kDpuLanes + l < width; ++l) {
        out[static_cast<std::size_t>((k * rows + i) * kDpuLanes + l)] =
            weights[i * width + k * kDpuLanes + l];
      }
    }
  }
  return out;
}

void DpuLaneKernel(const DpuKernelArgs<float>& g, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end) {
  HasAvx2Fma() ? LaneAvx2(g, spec, begin, end) : LaneBaseline(g, spec, begin, end);
}

void UseBaselineDpuKernels(bool baseline) { force_baseline = baseline; }

std::int64_t DpuDirectRowLength(std::int64_t w, std::int64_t kw, std::int64_t padding) {
  const std::int64_t wo = w + 2 * padding - kw + 1;
  const std::int64_t read = (wo + kDpuDirectPixels - 1) / kDpuDirectPixels * kDpuDirectPixels;
  return std::max(read + kw - 1, w + 2 * padding);
}

std::vector<float> DpuDirectWeights(const float* chunked, std::int64_t k, std::int64_t width) {
  const std::int64_t width4 =
      (width + kDpuDirectChannels - 1) / kDpuDirectChannels * kDpuDirectChannels;
  std::vector<float> out(static_cast<std::size_t>(k * width4), 0.0f);
  // Row e of chunk e / N is row e of [chunks * N, width]: the layouts agree.
  for (std::int64_t e = 0; e < k; ++e) {
    std::copy_n(chunked + e * width, width, out.begin() + e * width4);
  }
  return out;
}

void DpuDirectKernel(const DpuDirectArgs& g, const DpuSpec& spec, std::int64_t begin,
                     std::int64_t end) {
  HasAvx2Fma() ? DirectAvx2(g, spec, begin, end) : DirectBaseline(g, spec, begin, end);
}

void DpuWideKernel(const DpuKernelArgs<double>& g, const DpuSpec& spec, std::int64_t begin,
                   std::int64_t end) {
  HasAvx2Fma() ? WideAvx2(g, spec, begin, end) : WideBaseline(g, spec, begin, end);
}

}  // namespace labq::qat
