#include "power/lookup_table.h"

#include <gtest/gtest.h>

namespace labq::power {
namespace {

LookupTable Table2() {
  // Rows: input transition 0.1, 0.3; columns: load 1, 3.
  LookupTable t;
  t.variables = {TableVariable::kInputTransition, TableVariable::kOutputCapacitance};
  t.indices = {{0.1, 0.3}, {1.0, 3.0}};
  t.values = {10.0, 30.0, 20.0, 40.0};
  return t;
}

TEST(LookupTable, InterpolatesBilinearlyInsideTheGrid) {
  const LookupTable t = Table2();
  EXPECT_DOUBLE_EQ(t.Lookup(0.1, 1.0), 10.0);
  EXPECT_DOUBLE_EQ(t.Lookup(0.3, 3.0), 40.0);
  EXPECT_DOUBLE_EQ(t.Lookup(0.2, 2.0), 25.0);
}

TEST(LookupTable, ExtrapolatesFromTheEndSegments) {
  const LookupTable t = Table2();
  EXPECT_DOUBLE_EQ(t.Lookup(0.0, 1.0), 5.0);   // below the first slew
  EXPECT_DOUBLE_EQ(t.Lookup(0.1, 5.0), 50.0);  // beyond the last load
}

TEST(LookupTable, AxesAreFoundByVariableNotPosition) {
  LookupTable t = Table2();
  t.variables = {TableVariable::kOutputCapacitance, TableVariable::kInputTransition};
  t.indices = {{1.0, 3.0}, {0.1, 0.3}};
  t.values = {10.0, 20.0, 30.0, 40.0};  // the same surface, transposed
  EXPECT_DOUBLE_EQ(t.Lookup(0.2, 2.0), 25.0);
  EXPECT_DOUBLE_EQ(t.Lookup(0.3, 1.0), 20.0);
}

TEST(LookupTable, OneAxisAndScalar) {
  LookupTable one;
  one.variables = {TableVariable::kInputTransition};
  one.indices = {{0.06, 0.24}};
  one.values = {1.0, 4.0};
  EXPECT_DOUBLE_EQ(one.Lookup(0.15, 99.0), 2.5);
  LookupTable scalar;
  scalar.values = {7.0};
  EXPECT_DOUBLE_EQ(scalar.Lookup(1.0, 2.0), 7.0);
}

}  // namespace
}  // namespace labq::power
