#include "dpu/dpu_golden.h"

#include <gtest/gtest.h>

#include <set>

#include "jobs/dpu_testbench.h"

namespace labq {
namespace {

DpuDesign Design(int n, DpuMode mode, int out_bits = 8) {
  return {n, 8, 8, mode, out_bits, BFormat::kUnsigned};
}

TEST(DpuGolden, WidthIsTwoMPlusCeilLog2N) {
  EXPECT_EQ(Design(8, DpuMode::kFull).FullBits(), 19);
  EXPECT_EQ(Design(128, DpuMode::kFull).FullBits(), 23);
  EXPECT_EQ(Design(1, DpuMode::kFull).FullBits(), 16);
  EXPECT_EQ(Design(5, DpuMode::kFull).FullBits(), 19);
  EXPECT_EQ(Design(8, DpuMode::kMsb).OutputBits(), 8);
}

TEST(DpuGolden, ExactMaximumFitsTheFullWidth) {
  const DpuDesign d = Design(128, DpuMode::kFull);
  const uint64_t max = DotProduct(std::vector<uint32_t>(128, 255), std::vector<uint32_t>(128, 255));
  EXPECT_EQ(max, 128u * 255 * 255);
  EXPECT_LT(max, uint64_t{1} << d.FullBits());
  EXPECT_EQ(DpuOutput(d, max), max);
}

TEST(DpuGolden, MsbKeepsTheTopBits) {
  const DpuDesign d = Design(8, DpuMode::kMsb);  // W = 19, keeps bits 18..11
  EXPECT_EQ(DpuOutput(d, 0x7FFFF), 0xFFu);
  EXPECT_EQ(DpuOutput(d, 0x00800), 1u);
  EXPECT_EQ(DpuOutput(d, 0x007FF), 0u);
}

TEST(DpuGolden, LsbSaturatesAboveItsRange) {
  const DpuDesign d = Design(8, DpuMode::kLsb);
  EXPECT_EQ(DpuOutput(d, 254), 254u);
  EXPECT_EQ(DpuOutput(d, 255), 255u);
  EXPECT_EQ(DpuOutput(d, 256), 255u);
  EXPECT_EQ(DpuOutput(d, 0x7FFFF), 255u);
}

DpuDesign Sm(int n, DpuMode mode, int out_bits = 8, int b_bits = 8) {
  return {n, 8, b_bits, mode, out_bits, BFormat::kSignMagnitude};
}

TEST(DpuGolden, UnsignedWidthsAddUp) {
  const DpuDesign d{8, 8, 4, DpuMode::kFull, 8, BFormat::kUnsigned};
  EXPECT_EQ(d.FullBits(), 8 + 4 + 3);
  EXPECT_EQ(DpuSum(d, {255, 1}, {15, 15}), 255 * 15 + 15);
}

TEST(DpuGolden, SignMagnitudeWidthIsAPlusMagnitudePlusLog2NPlusSign) {
  EXPECT_EQ(Sm(8, DpuMode::kFull).FullBits(), 8 + 7 + 3 + 1);
  EXPECT_EQ(Sm(128, DpuMode::kFull).FullBits(), 8 + 7 + 7 + 1);
  EXPECT_EQ(Sm(128, DpuMode::kFull, 8, 4).FullBits(), 8 + 3 + 7 + 1);
  EXPECT_EQ(Sm(1, DpuMode::kFull, 8, 2).FullBits(), 8 + 1 + 0 + 1);
  // The extremes fit: N * 255 * 127 and its negative in 23 bits of two's complement.
  const DpuDesign d = Sm(128, DpuMode::kFull);
  const int64_t most = DpuSum(d, std::vector<uint32_t>(128, 255), std::vector<uint32_t>(128, 0x7f));
  const int64_t least =
      DpuSum(d, std::vector<uint32_t>(128, 255), std::vector<uint32_t>(128, 0xff));
  EXPECT_EQ(most, 128 * 255 * 127);
  EXPECT_EQ(least, -most);
  EXPECT_LT(most, int64_t{1} << (d.FullBits() - 1));
  EXPECT_GE(least, -(int64_t{1} << (d.FullBits() - 1)));
}

TEST(DpuGolden, SignMagnitudeCodesAreSignAndMagnitude) {
  const DpuDesign d = Sm(2, DpuMode::kFull, 8, 4);
  EXPECT_EQ(WeightValue(d, 0x3), 3);
  EXPECT_EQ(WeightValue(d, 0xb), -3);
  EXPECT_EQ(WeightValue(d, 0x8), 0);  // -0 == 0
  EXPECT_EQ(WeightValue(d, 0xf), -7);
  EXPECT_EQ(DpuSum(d, {10, 20}, {0x3, 0x9}), 30 - 20);
  EXPECT_EQ(DpuSum(d, {10, 20}, {0xb, 0x9}), -30 - 20);
  EXPECT_EQ(DpuSum(d, {10, 20}, {0x8, 0x8}), 0);
}

TEST(DpuGolden, FullSignedOutputIsTheTwosComplementWord) {
  const DpuDesign d = Sm(8, DpuMode::kFull);  // W = 19
  EXPECT_EQ(DpuValue(d, -1), -1);
  EXPECT_EQ(DpuOutput(d, -1), 0x7FFFFu);
  EXPECT_EQ(DpuOutput(d, -(int64_t{1} << 18)), 0x40000u);
  EXPECT_EQ(DpuOutput(d, 5), 5u);
}

TEST(DpuGolden, SignedMsbIsTheFloorOfTheTopBits) {
  const DpuDesign d = Sm(8, DpuMode::kMsb);  // W = 19: y = S >> 11
  EXPECT_EQ(DpuValue(d, 2047), 0);
  EXPECT_EQ(DpuValue(d, 2048), 1);
  EXPECT_EQ(DpuValue(d, -1), -1);  // floor, not truncation toward zero
  EXPECT_EQ(DpuValue(d, -2048), -1);
  EXPECT_EQ(DpuValue(d, -2049), -2);
  EXPECT_EQ(DpuOutput(d, -1), 0xFFu);
  EXPECT_EQ(DpuOutput(d, -2049), 0xFEu);
  EXPECT_EQ(DpuValue(d, (int64_t{1} << 18) - 1), 127);
  EXPECT_EQ(DpuValue(d, -(int64_t{1} << 18)), -128);
  EXPECT_EQ(DpuOutput(d, -(int64_t{1} << 18)), 0x80u);
}

TEST(DpuGolden, SignedLsbSaturatesAtBothEnds) {
  const DpuDesign d = Sm(8, DpuMode::kLsb);  // range -128..127
  EXPECT_EQ(DpuValue(d, 127), 127);
  EXPECT_EQ(DpuValue(d, 128), 127);
  EXPECT_EQ(DpuValue(d, 100000), 127);
  EXPECT_EQ(DpuValue(d, -128), -128);
  EXPECT_EQ(DpuValue(d, -129), -128);
  EXPECT_EQ(DpuValue(d, -100000), -128);
  EXPECT_EQ(DpuValue(d, -5), -5);
  EXPECT_EQ(DpuOutput(d, -5), 0xFBu);
  EXPECT_EQ(DpuOutput(d, -129), 0x80u);
  EXPECT_EQ(DpuOutput(d, 128), 0x7Fu);
  const DpuDesign two = Sm(8, DpuMode::kLsb, 2);  // range -2..1
  EXPECT_EQ(DpuValue(two, 3), 1);
  EXPECT_EQ(DpuValue(two, -3), -2);
  EXPECT_EQ(DpuOutput(two, -3), 0x2u);
}

TEST(DpuVectors, SignMagnitudeVectorsCoverBothSignsAndEveryEdge) {
  for (DpuMode mode : {DpuMode::kFull, DpuMode::kMsb, DpuMode::kLsb}) {
    const DpuDesign d = Sm(8, mode, 8, 4);
    const auto vectors = MakeDpuVectors(d, 50, 3);
    std::set<int64_t> sums;
    for (const auto& v : vectors) {
      sums.insert(DpuSum(d, v.a, v.b));
      EXPECT_EQ(v.expected, DpuOutput(d, DpuSum(d, v.a, v.b)));
      for (uint32_t code : v.b) EXPECT_LT(code, 16u);
    }
    const int64_t extreme = 8 * 255 * 7;
    EXPECT_TRUE(sums.count(extreme));
    EXPECT_TRUE(sums.count(-extreme));
    EXPECT_TRUE(sums.count(0));
    for (int64_t edge : {127, 128, -128, -129}) EXPECT_TRUE(sums.count(edge)) << edge;
    const int64_t step = int64_t{1} << (d.FullBits() - 8);  // msb's unit
    for (int64_t edge : {step - 1, step, int64_t{-1}, -step, -step - 1}) {
      EXPECT_TRUE(sums.count(edge)) << edge;
    }
    EXPECT_LT(*sums.begin(), -128);
  }
}

TEST(DpuVectors, IncludeTheSaturationBoundaryAndAreSeeded) {
  const DpuDesign d = Design(8, DpuMode::kLsb);
  auto vectors = MakeDpuVectors(d, 20, 7);
  std::set<uint64_t> sums;
  int random = 0;
  for (const auto& v : vectors) {
    sums.insert(DotProduct(v.a, v.b));
    random += v.why == "random";
    EXPECT_EQ(v.expected, DpuOutput(d, DotProduct(v.a, v.b)));
  }
  EXPECT_TRUE(sums.count(0));
  EXPECT_TRUE(sums.count(255));
  EXPECT_TRUE(sums.count(256));
  EXPECT_TRUE(sums.count(8u * 255 * 255));
  EXPECT_EQ(random, 20);
  auto again = MakeDpuVectors(d, 20, 7);
  auto other = MakeDpuVectors(d, 20, 8);
  EXPECT_EQ(again.back().a, vectors.back().a);
  EXPECT_NE(other.back().a, vectors.back().a);
}

TEST(DpuVectors, PackHexPutsElementZeroInTheLowBits) {
  EXPECT_EQ(PackHex({0x12, 0x34}, 8), "3412");
  EXPECT_EQ(PackHex({1, 0, 3}, 4), "301");
  EXPECT_EQ(PackHex({0x3}, 2), "3");
}

}  // namespace
}  // namespace labq
