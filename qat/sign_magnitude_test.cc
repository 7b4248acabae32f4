#include "qat/sign_magnitude.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace labq::qat {
namespace {

/// What the 4-bit datapath reads, written only with wires and gates on the
/// 8-bit code (independent of Magnitude4's arithmetic formulation).
std::uint8_t HardwareCode4(std::uint8_t code8, int k, Rule rule) {
  const std::uint8_t sign = (code8 >> 7) & 1;
  const std::uint8_t window = (code8 >> k) & 0x7;  // bits k..k+2
  if (rule == Rule::kTruncate) return static_cast<std::uint8_t>((sign << 3) | window);
  const std::uint8_t carry = k > 0 ? (code8 >> (k - 1)) & 1 : 0;  // bit k-1
  const bool upper = ((code8 & 0x7f) >> (k + 3)) != 0;            // bits above the window
  const int sum = window + carry;
  const std::uint8_t q4 = (upper || sum > 7) ? 7 : static_cast<std::uint8_t>(sum);
  return static_cast<std::uint8_t>((sign << 3) | q4);
}

/// Value the hardware multiplies with: sign * q4 * 2^k * s.
float HardwareValue4(std::uint8_t code4, int k, float s) {
  const float v = std::ldexp(static_cast<float>(code4 & 7), k) * s;
  return (code4 & 8) ? -v : v;
}

TEST(SignMagnitude, FourBitCodeEqualsHardwareBitsForEveryCodeAndShift) {
  for (Rule rule : {Rule::kTruncate, Rule::kRound}) {
    for (int k = 0; k <= kMaxShift; ++k) {
      for (int code = 0; code < 256; ++code) {
        const auto c8 = static_cast<std::uint8_t>(code);
        const std::uint8_t hw = HardwareCode4(c8, k, rule);
        EXPECT_EQ(Code4From8(c8, k, rule), hw)
            << "code " << code << " k " << k << " rule " << RuleName(rule);
        const float s = 0.0123f;
        EXPECT_EQ(Decode4(Code4From8(c8, k, rule), s, k), HardwareValue4(hw, k, s));
      }
    }
  }
}

TEST(SignMagnitude, TruncateIsTheBitWindowAndRoundSaturates) {
  EXPECT_EQ(Magnitude4(0b1011010, 2, Rule::kTruncate), 0b110);  // bits 2..4 of 90
  EXPECT_EQ(Magnitude4(127, 4, Rule::kTruncate), 7);
  EXPECT_EQ(Magnitude4(8, 0, Rule::kTruncate), 0);    // wraps: bit 3 is outside k=0
  EXPECT_EQ(Magnitude4(8, 0, Rule::kRound), 7);       // saturates instead
  EXPECT_EQ(Magnitude4(0b0110, 2, Rule::kRound), 2);  // 6/4 = 1.5 rounds up
  EXPECT_EQ(Magnitude4(0b0101, 2, Rule::kRound), 1);  // 5/4 = 1.25 rounds down
  EXPECT_EQ(Magnitude4(120, 4, Rule::kRound), 7);     // carry out of the window saturates
}

TEST(SignMagnitude, EightBitRoundTripsEveryCode) {
  const float s = 0.037f;
  for (int code = 0; code < 256; ++code) {
    const auto c8 = static_cast<std::uint8_t>(code);
    EXPECT_EQ(Encode8(Decode8(c8, s), s), c8) << code;
  }
}

TEST(SignMagnitude, EncodeRoundsHalfToEvenAndClamps) {
  const float s = 0.5f;
  EXPECT_EQ(Magnitude8(1.25f, s), 2);  // 2.5 -> 2
  EXPECT_EQ(Magnitude8(1.75f, s), 4);  // 3.5 -> 4
  EXPECT_EQ(Magnitude8(-1.3f, s), 3);
  EXPECT_EQ(Encode8(-1.3f, s), 0x83);
  EXPECT_EQ(Magnitude8(1000.0f, s), 127);
  EXPECT_EQ(ScaleForMaxAbs(0.0f), 1.0f);
  EXPECT_EQ(ScaleForMaxAbs(12.7f), 12.7f / 127.0f);
}

TEST(SignMagnitude, FusedKernelMatchesCodesForEveryMagnitude) {
  // One layer holding every signed magnitude exactly once: the largest weight
  // sets s, so w = +-q*s encodes to q.
  const float s = 0.01f;
  std::vector<float> w;
  for (int q = 0; q <= kMaxMagnitude8; ++q) {
    w.push_back(static_cast<float>(q) * s);
    w.push_back(-static_cast<float>(q) * s);
  }
  for (Rule rule : {Rule::kTruncate, Rule::kRound}) {
    for (int k = 0; k <= kMaxShift; ++k) {
      std::vector<float> out8(w.size()), out4(w.size());
      float scale = 0;
      FakeQuantize(w.data(), 1, static_cast<std::int64_t>(w.size()), QuantSpec{k, rule, false},
                   out8.data(), out4.data(), &scale);
      ASSERT_EQ(scale, ScaleForMaxAbs(127.0f * s));
      for (std::size_t i = 0; i < w.size(); ++i) {
        const std::uint8_t c8 = Encode8(w[i], scale);
        EXPECT_EQ(c8 & 0x7f, static_cast<int>(i / 2));
        EXPECT_EQ(out8[i], Decode8(c8, scale));
        EXPECT_EQ(out4[i], HardwareValue4(HardwareCode4(c8, k, rule), k, scale))
            << "w " << w[i] << " k " << k;
      }
    }
  }
}

TEST(SignMagnitude, PerChannelScalesAreIndependent) {
  const std::vector<float> w = {1.0f, -0.5f, 0.25f, 0.0f, 100.0f, -50.0f};
  std::vector<float> out8(6);
  float scales[3];
  FakeQuantize(w.data(), 3, 2, QuantSpec{4, Rule::kTruncate, true}, out8.data(), nullptr, scales);
  EXPECT_EQ(scales[0], 1.0f / 127.0f);
  EXPECT_EQ(scales[1], 0.25f / 127.0f);
  EXPECT_EQ(scales[2], 100.0f / 127.0f);
  EXPECT_EQ(out8[0], 127 * scales[0]);
  EXPECT_EQ(out8[2], 127 * scales[1]);
  EXPECT_EQ(out8[3], 0.0f);
  EXPECT_EQ(out8[5], -static_cast<float>(Magnitude8(50.0f, scales[2])) * scales[2]);
}

TEST(SignMagnitude, AllZeroLayerStaysZero) {
  std::vector<float> w(9, 0.0f), o8(9), o4(9);
  float s = 0;
  FakeQuantize(w.data(), 1, 9, QuantSpec{}, o8.data(), o4.data(), &s);
  EXPECT_EQ(s, 1.0f);
  for (float v : o8) EXPECT_EQ(v, 0.0f);
  for (float v : o4) EXPECT_EQ(v, 0.0f);
}

TEST(SignMagnitude, FourBitErrorPrefersTheWindowThatFitsTheWeights) {
  // Magnitudes below 8 fit k=0 exactly; with k=4 they all truncate to 0.
  std::vector<float> w = {127.0f};
  for (int q = 1; q < 8; ++q) w.push_back(static_cast<float>(q));
  std::vector<float> small(w.begin() + 1, w.end());
  const double e4 = FourBitError(w.data(), 1, static_cast<std::int64_t>(w.size()),
                                 QuantSpec{4, Rule::kTruncate, false});
  const double e0 = FourBitError(w.data(), 1, static_cast<std::int64_t>(w.size()),
                                 QuantSpec{0, Rule::kRound, false});
  EXPECT_GT(e4, 0.0);
  // k=0 round: the 127 saturates to 7 (error 120^2/8), small ones exact.
  EXPECT_NEAR(e0, 120.0 * 120.0 / 8.0, 1e-3);
}

TEST(SignMagnitude, RejectsBadShiftAndRuleNames) {
  std::vector<float> w(4, 1.0f), o(4);
  float s;
  EXPECT_THROW(
      FakeQuantize(w.data(), 1, 4, QuantSpec{5, Rule::kTruncate, false}, o.data(), nullptr, &s),
      std::invalid_argument);
  EXPECT_THROW(ParseRule("floor"), std::invalid_argument);
  EXPECT_EQ(ParseRule("round"), Rule::kRound);
}

}  // namespace
}  // namespace labq::qat
