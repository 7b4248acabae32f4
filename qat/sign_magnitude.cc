#include "qat/sign_magnitude.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace labq::qat {
namespace {

/// Round half to even for 0 <= a <= 127 without a libm call: adding 2^23
/// pushes the fraction out of the mantissa under the default rounding mode.
/// -O2 keeps IEEE semantics, so the add/sub pair is not folded away.
inline float RoundHalfEven(float a) {
  constexpr float kShifter = 8388608.0f;  // 2^23
  volatile float shifted = a + kShifter;  // volatile: no -ffast-math folding either
  return shifted - kShifter;
}

/// Clamped, rounded magnitude as a float; NaN (diverged training) maps to 127
/// so the integer conversion below stays defined while the value, scaled by a
/// NaN scale, still shows up as NaN.
inline float MagnitudeFloat(float w, float scale) {
  float a = std::fabs(w) / scale;
  if (!(a <= static_cast<float>(kMaxMagnitude8))) a = static_cast<float>(kMaxMagnitude8);
  return RoundHalfEven(a);
}

float MaxAbs(const float* w, std::int64_t n) {
  float m = 0.0f;
  for (std::int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(w[i]));
  return m;
}

}  // namespace

std::string_view RuleName(Rule rule) { return rule == Rule::kRound ? "round" : "truncate"; }

Rule ParseRule(std::string_view name) {
  if (name == "truncate") return Rule::kTruncate;
  if (name == "round") return Rule::kRound;
  throw std::invalid_argument("unknown 4-bit rule '" + std::string(name) +
                              "' (expected truncate or round)");
}

float ScaleForMaxAbs(float max_abs) {
  return max_abs > 0.0f ? max_abs / static_cast<float>(kMaxMagnitude8) : 1.0f;
}

int Magnitude8(float w, float scale) { return static_cast<int>(MagnitudeFloat(w, scale)); }

std::uint8_t Encode8(float w, float scale) {
  const int q = Magnitude8(w, scale);
  return static_cast<std::uint8_t>((std::signbit(w) ? 0x80 : 0x00) | q);
}

float Decode8(std::uint8_t code8, float scale) {
  const float v = static_cast<float>(code8 & 0x7f) * scale;
  return (code8 & 0x80) ? -v : v;
}

int Magnitude4(int q8, int k, Rule rule) {
  const int step = 1 << k;
  if (rule == Rule::kTruncate) return (q8 / step) % (kMaxMagnitude4 + 1);
  const int half = k == 0 ? 0 : step / 2;
  return std::min((q8 + half) / step, kMaxMagnitude4);
}

std::uint8_t Code4From8(std::uint8_t code8, int k, Rule rule) {
  const int q4 = Magnitude4(code8 & 0x7f, k, rule);
  return static_cast<std::uint8_t>(((code8 & 0x80) ? 0x08 : 0x00) | q4);
}

float Decode4(std::uint8_t code4, float scale, int k) {
  const float v = static_cast<float>((code4 & 0x07) << k) * scale;
  return (code4 & 0x08) ? -v : v;
}

void FakeQuantize(const float* weights, std::int64_t channels, std::int64_t block,
                  const QuantSpec& spec, float* out8, float* out4, float* scales) {
  if (spec.k < 0 || spec.k > kMaxShift) {
    throw std::invalid_argument("4-bit shift k must be 0..4, got " + std::to_string(spec.k));
  }
  float layer_scale = 0.0f;
  if (!spec.per_channel) {
    layer_scale = ScaleForMaxAbs(MaxAbs(weights, channels * block));
    scales[0] = layer_scale;
  }
  // 4-bit magnitude per 8-bit magnitude, so the inner loop is a table lookup.
  int lut4[kMaxMagnitude8 + 1];
  for (int q = 0; q <= kMaxMagnitude8; ++q) lut4[q] = Magnitude4(q, spec.k, spec.rule) << spec.k;

  for (std::int64_t c = 0; c < channels; ++c) {
    const float* w = weights + c * block;
    float s = layer_scale;
    if (spec.per_channel) {
      s = ScaleForMaxAbs(MaxAbs(w, block));
      scales[c] = s;
    }
    float* o8 = out8 ? out8 + c * block : nullptr;
    float* o4 = out4 ? out4 + c * block : nullptr;
    for (std::int64_t i = 0; i < block; ++i) {
      const float q = MagnitudeFloat(w[i], s);
      if (o8) o8[i] = std::copysign(q * s, w[i]);
      if (o4) o4[i] = std::copysign(static_cast<float>(lut4[static_cast<int>(q)]) * s, w[i]);
    }
  }
}

double FourBitError(const float* weights, std::int64_t channels, std::int64_t block,
                    const QuantSpec& spec) {
  const std::int64_t n = channels * block;
  if (n == 0) return 0.0;
  std::vector<float> out4(static_cast<std::size_t>(n));
  std::vector<float> scales(static_cast<std::size_t>(channels));
  FakeQuantize(weights, channels, block, spec, nullptr, out4.data(), scales.data());
  double sum = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(out4[i]) - weights[i];
    sum += d * d;
  }
  return sum / static_cast<double>(n);
}

}  // namespace labq::qat
