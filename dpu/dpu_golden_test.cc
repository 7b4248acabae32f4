#include "dpu/dpu_golden.h"

#include <gtest/gtest.h>

#include <set>

#include "jobs/dpu_testbench.h"

namespace labq {
namespace {

DpuDesign Design(int n, DpuMode mode, int out_bits = 8) { return {n, 8, mode, out_bits}; }

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
