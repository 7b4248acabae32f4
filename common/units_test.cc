#include "common/units.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq {
namespace {

TEST(Units, ConvertsTimeToNanoseconds) {
  Quantity q = MakeQuantity(Dimension::kTime, 1250, "ps", 7);
  EXPECT_DOUBLE_EQ(q.value, 1.25);
  EXPECT_EQ(q.unit, "ns");
  EXPECT_DOUBLE_EQ(q.original_value, 1250);
  EXPECT_EQ(q.original_unit, "ps");
  EXPECT_EQ(q.line, 7);
}

TEST(Units, ConvertsPowerToWatts) {
  EXPECT_DOUBLE_EQ(MakeQuantity(Dimension::kPower, 3, "mW").value, 3e-3);
  EXPECT_DOUBLE_EQ(MakeQuantity(Dimension::kPower, 5, "nW").value, 5e-9);
}

TEST(Units, RejectsUnknownUnit) {
  EXPECT_THROW(MakeQuantity(Dimension::kPower, 1, "ns"), Error);
  EXPECT_FALSE(ToCanonicalFactor(Dimension::kTime, "parsec"));
}

}  // namespace
}  // namespace labq
