#include "power/bool_expr.h"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

namespace labq::power {
namespace {

/// Variables A=0, B=1, C=2, IQ=3.
std::optional<int> Abc(std::string_view name) {
  constexpr std::array<std::string_view, 4> kNames = {"A", "B", "C", "IQ"};
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<int>(i);
  return std::nullopt;
}

bool Eval(const BoolExpr& e, bool a, bool b, bool c) {
  const std::array<bool, 4> values = {a, b, c, false};
  return e.Evaluate(values);
}

TEST(BoolExpr, PrecedenceIsOrThenAndThenXorThenNot) {
  // A + B * C: or binds loosest.
  const BoolExpr e = BoolExpr::Parse("A + B * C", Abc);
  EXPECT_TRUE(Eval(e, true, false, false));
  EXPECT_FALSE(Eval(e, false, true, false));
  // A ^ B & C is (A ^ B) & C in Liberty (xor binds tighter than and).
  const BoolExpr x = BoolExpr::Parse("A ^ B & C", Abc);
  EXPECT_FALSE(Eval(x, true, false, false));
  EXPECT_TRUE(Eval(x, true, false, true));
  EXPECT_FALSE(Eval(x, true, true, true));
}

TEST(BoolExpr, JuxtapositionPostfixNotAndConstants) {
  const BoolExpr e = BoolExpr::Parse("(A B)' | 0", Abc);  // NAND
  EXPECT_FALSE(Eval(e, true, true, false));
  EXPECT_TRUE(Eval(e, true, false, false));
  const BoolExpr aoi = BoolExpr::Parse("!((A&B)|C)", Abc);
  EXPECT_TRUE(Eval(aoi, false, true, false));
  EXPECT_FALSE(Eval(aoi, false, false, true));
  EXPECT_TRUE(BoolExpr::Parse("1", Abc).Evaluate(std::array<bool, 4>{}));
}

TEST(BoolExpr, ProbabilityAssumesIndependentInputs) {
  const std::array<double, 4> high = {0.5, 0.2, 0.9, 0.5};
  EXPECT_DOUBLE_EQ(BoolExpr::Parse("A&B", Abc).Probability(high), 0.1);
  EXPECT_DOUBLE_EQ(BoolExpr::Parse("A|B", Abc).Probability(high), 1.0 - 0.5 * 0.8);
  EXPECT_DOUBLE_EQ(BoolExpr::Parse("A^C", Abc).Probability(high), 0.5 * 0.1 + 0.9 * 0.5);
  EXPECT_DOUBLE_EQ(BoolExpr::Parse("!B", Abc).Probability(high), 0.8);
}

TEST(BoolExpr, InferredWhenReadsTheSideConditionOfAnInput) {
  const std::array<double, 4> high = {0.5, 0.25, 0.5, 0.5};
  // NAND: A reaches the output when B is 1.
  EXPECT_DOUBLE_EQ(*BoolExpr::Parse("!(A&B)", Abc).InferredWhenProbability(0, high), 0.25);
  // OR: B reaches the output when A is 0.
  EXPECT_DOUBLE_EQ(*BoolExpr::Parse("A|B", Abc).InferredWhenProbability(1, high), 0.5);
  // A buffer passes always; a nested input cannot be read from the top.
  EXPECT_DOUBLE_EQ(*BoolExpr::Parse("A", Abc).InferredWhenProbability(0, high), 1.0);
  EXPECT_FALSE(BoolExpr::Parse("(A&B)|C", Abc).InferredWhenProbability(0, high).has_value());
}

TEST(BoolExpr, VariablesAndUses) {
  const BoolExpr e = BoolExpr::Parse("IQ | A & IQ", Abc);
  EXPECT_EQ(e.Variables(), (std::vector<int>{3, 0}));
  EXPECT_TRUE(e.Uses(0));
  EXPECT_FALSE(e.Uses(1));
}

TEST(BoolExpr, BadExpressionsSayWhatIsWrong) {
  try {
    BoolExpr::Parse("A & Z", Abc);
    FAIL() << "unknown pin accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown pin 'Z'");
  }
  EXPECT_THROW(BoolExpr::Parse("(A & B", Abc), std::invalid_argument);
  EXPECT_THROW(BoolExpr::Parse("A & ", Abc), std::invalid_argument);
  EXPECT_THROW(BoolExpr::Parse("A # B", Abc), std::invalid_argument);
}

}  // namespace
}  // namespace labq::power
