#include "orchestrator/eta_estimator.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

TEST(EtaEstimator, MeanTimePerKindTimesQueuedOverSlots) {
  EtaEstimator eta;
  eta.Record("synth", 10);
  eta.Record("synth", 30);  // mean 20
  eta.Record("sim", 4);
  EXPECT_DOUBLE_EQ(eta.Estimate({{"synth", 3}, {"sim", 5}}, 2).value(), (3 * 20 + 5 * 4) / 2.0);
  EXPECT_DOUBLE_EQ(eta.Estimate({}, 4).value(), 0);
}

TEST(EtaEstimator, UnknownWhileAQueuedKindHasNotFinishedOnce) {
  EtaEstimator eta;
  EXPECT_FALSE(eta.Estimate({{"synth", 1}}, 2).has_value());
  eta.Record("sim", 1);
  EXPECT_FALSE(eta.Estimate({{"synth", 1}, {"sim", 1}}, 2).has_value());
  eta.Record("synth", 1);
  EXPECT_TRUE(eta.Estimate({{"synth", 1}, {"sim", 1}}, 2).has_value());
}

}  // namespace
}  // namespace labq
