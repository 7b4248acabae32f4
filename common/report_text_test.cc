#include "common/report_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace labq {
namespace {

TEST(ReportText, ParsesNumbersAsPrinted) {
  EXPECT_EQ(ParseNumber("-376"), -376);
  EXPECT_EQ(ParseNumber("+672"), 672);
  EXPECT_EQ(ParseNumber("1.5e-07"), 1.5e-07);
  EXPECT_EQ(ParseNumber(".5"), 0.5);
  EXPECT_EQ(ParseNumber("-.5"), -0.5);
  EXPECT_EQ(ParseNumber("64.49%", PercentSign::kStrip), 64.49);
  EXPECT_FALSE(ParseNumber("64.49%"));
  EXPECT_FALSE(ParseNumber("%", PercentSign::kStrip));
  EXPECT_FALSE(ParseNumber("-"));
  EXPECT_FALSE(ParseNumber("+-5"));
  EXPECT_FALSE(ParseNumber("NA"));
  EXPECT_FALSE(ParseNumber("no_value"));
  EXPECT_FALSE(ParseNumber("6762ps"));
}

/// One policy for non-finite values in every parser: not numbers.
TEST(ReportText, RejectsNonFiniteValues) {
  for (const char* token :
       {"inf", "-inf", "+inf", "INF", "nan", "NaN", "-nan", "infinity", "1e999", "-1e999"}) {
    EXPECT_FALSE(ParseNumber(token)) << token;
    EXPECT_FALSE(ParseNumber(token, PercentSign::kStrip)) << token;
  }
  // So a pin named "inf" is a description, not a number column.
  auto row = SplitTableRow("   0.10    2.37 ^ inf (in)");
  EXPECT_EQ(row.numbers, (std::vector<double>{0.10, 2.37}));
  EXPECT_EQ(row.description, "inf (in)");
}

TEST(ReportText, SplitsNumberAndUnit) {
  EXPECT_EQ(SplitNumberUnit("6762ps"), std::make_pair(6762.0, std::string("ps")));
  EXPECT_EQ(SplitNumberUnit("-85"), std::make_pair(-85.0, std::string()));
  EXPECT_EQ(SplitNumberUnit("1.5e-3ns"), std::make_pair(1.5e-3, std::string("ns")));
  EXPECT_FALSE(SplitNumberUnit("UNCONSTRAINED"));
}

TEST(ReportText, RecognisesRules) {
  EXPECT_TRUE(IsRule("------------"));
  EXPECT_TRUE(IsRule("  -----------  "));
  EXPECT_TRUE(IsRule("#------------"));
  EXPECT_TRUE(IsRule("============"));
  EXPECT_TRUE(IsRule("- - - - - - -"));
  EXPECT_FALSE(IsRule(""));
  EXPECT_FALSE(IsRule("  -  "));
  EXPECT_FALSE(IsRule("-- total --"));
}

TEST(ReportText, SnakeCase) {
  EXPECT_EQ(SnakeCase("Total Cell Area"), "total_cell_area");
  EXPECT_EQ(SnakeCase("Clock-Gate"), "clock_gate");
  EXPECT_EQ(SnakeCase("  Domain index "), "domain_index");
}

TEST(ReportText, NamesHierarchyByIndent) {
  HierarchyNamer namer;
  EXPECT_EQ(namer.Name(0, "top"), "top");
  EXPECT_EQ(namer.Name(2, "u1"), "top/u1");
  EXPECT_EQ(namer.Name(4, "t2"), "top/u1/t2");
  EXPECT_EQ(namer.Name(2, "u2"), "top/u2");
  EXPECT_EQ(namer.Name(4, "t2"), "top/u2/t2");
  EXPECT_EQ(namer.Name(0, "other"), "other");
  EXPECT_EQ(Indent("    x"), 4u);
}

TEST(ReportText, SplitTableRowSeparatesNumbersFromDescription) {
  auto row = SplitTableRow("     1    0.00    0.02    0.01    2.01 ^ b[0] (in)");
  EXPECT_EQ(row.numbers, (std::vector<double>{1, 0.00, 0.02, 0.01, 2.01}));
  EXPECT_EQ(row.description, "b[0] (in)");

  row = SplitTableRow("                                -10.26   data arrival time");
  EXPECT_EQ(row.numbers, std::vector<double>{-10.26});
  EXPECT_EQ(row.description, "data arrival time");

  row = SplitTableRow("   0.00    0.10 v v[0] (in)");  // A pin named like the edge mark.
  EXPECT_EQ(row.description, "v[0] (in)");

  row = SplitTableRow("                                         net9 (net)");
  EXPECT_TRUE(row.numbers.empty());
  EXPECT_EQ(row.description, "net9 (net)");
}

TEST(ReportText, FindsLinesAndNumbersThemFromOne) {
  std::vector<std::string> lines = {"", "  ", "x", "Total 3"};
  EXPECT_EQ(FirstContentLine(lines), 3);
  EXPECT_EQ(FirstContentLine({}), 1);
  auto total = FindLine(lines, 0, [](std::string_view l) { return l.starts_with("Total"); });
  ASSERT_TRUE(total);
  EXPECT_EQ(LineNumber(*total), 4);
  EXPECT_FALSE(FindLine(lines, 0, [](std::string_view l) { return l == "y"; }));
}

TEST(ReportText, ExcerptIsShortAndQuoted) {
  EXPECT_EQ(Excerpt("  abc \r"), "'abc'");
  auto long_line = Excerpt(std::string(5000, 'x'));
  EXPECT_LT(long_line.size(), 120u);
  EXPECT_THAT(long_line, ::testing::HasSubstr("5000 characters"));
}

TEST(ReportText, FailAtNamesFileLineAndKey) {
  try {
    FailAt("x.rpt", 12, "no 'Total Area' column in area table");
    FAIL() << "FailAt returned";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "x.rpt:12: no 'Total Area' column in area table");
    EXPECT_EQ(e.where().line, 12);
  }
  try {
    FailAt("x.rpt", 7, "'abc' is not a number", "slack");
    FAIL() << "FailAt returned";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "x.rpt:7: slack: 'abc' is not a number");
    EXPECT_EQ(e.key(), "slack");
  }
}

TEST(ReportText, UnknownUnitNamesFileAndLine) {
  try {
    QuantityAt("y.rpt", 3, Dimension::kPower, 1.0, "furlong");
    FAIL() << "QuantityAt accepted an unknown unit";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "y.rpt:3: unknown unit 'furlong'");
  }
  Quantity q = QuantityAt("y.rpt", 3, Dimension::kPower, 2.0, "mW");
  EXPECT_DOUBLE_EQ(q.value, 2e-3);
  EXPECT_EQ(q.line, 3);
}

}  // namespace
}  // namespace labq
