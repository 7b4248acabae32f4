#include "dpu/dpu_metrics.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq {
namespace {

TEST(DpuMetrics, MetTimingUsesThePeriod) {
  DpuFigures f = ComputeDpuFigures({8, 2.0, 0.1, 1000.0, 1e-3});
  EXPECT_TRUE(f.timing_met);
  EXPECT_DOUBLE_EQ(f.frequency_hz, 5e8);
  EXPECT_DOUBLE_EQ(f.fmax_hz, 1e9 / 1.9);  // the path would allow a faster clock
  EXPECT_DOUBLE_EQ(f.ops_per_s, 16 * 5e8);
  EXPECT_DOUBLE_EQ(f.ops_per_w, 16 * 5e8 / 1e-3);
  EXPECT_DOUBLE_EQ(f.ops_per_mm2, 16 * 5e8 / 1e-3);  // 1000 um^2 = 1e-3 mm^2
}

TEST(DpuMetrics, ViolatedTimingSlowsTheClock) {
  DpuFigures f = ComputeDpuFigures({128, 2.0, -0.5, 1e6, 2.0});
  EXPECT_FALSE(f.timing_met);
  EXPECT_DOUBLE_EQ(f.achieved_period_ns, 2.5);
  EXPECT_DOUBLE_EQ(f.frequency_hz, 4e8);
  EXPECT_DOUBLE_EQ(f.fmax_hz, 4e8);  // violated: the OPS use fmax
  EXPECT_DOUBLE_EQ(f.ops_per_s, 256 * 4e8);
  EXPECT_DOUBLE_EQ(f.ops_per_mm2, 256 * 4e8 / 1.0);
}

TEST(DpuMetrics, RejectsNonsense) {
  EXPECT_THROW(ComputeDpuFigures({0, 1.0, 0, 1, 1}), Error);
  EXPECT_THROW(ComputeDpuFigures({8, 0.0, 0, 1, 1}), Error);
  EXPECT_THROW(ComputeDpuFigures({8, 1.0, 1.0, 1, 1}), Error);  // slack = period: no path
}

}  // namespace
}  // namespace labq
