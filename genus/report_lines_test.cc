#include "genus/report_lines.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq::genus {
namespace {

TEST(GenusReportLines, RecognisesRules) {
  EXPECT_TRUE(IsRule("------------"));
  EXPECT_TRUE(IsRule("  -----------  "));
  EXPECT_TRUE(IsRule("#------------"));
  EXPECT_TRUE(IsRule("============"));
  EXPECT_TRUE(IsRule("- - - - - - -"));
  EXPECT_FALSE(IsRule(""));
  EXPECT_FALSE(IsRule("  -  "));
  EXPECT_FALSE(IsRule("-- total --"));
}

TEST(GenusReportLines, ParsesNumbersAsPrinted) {
  EXPECT_EQ(ParseNumber("-376"), -376);
  EXPECT_EQ(ParseNumber("+672"), 672);
  EXPECT_EQ(ParseNumber("1.5e-07"), 1.5e-07);
  EXPECT_EQ(ParseNumber("64.49%"), 64.49);
  EXPECT_EQ(ParseNumber(".5"), 0.5);
  EXPECT_FALSE(ParseNumber("-"));
  EXPECT_FALSE(ParseNumber("NA"));
  EXPECT_FALSE(ParseNumber("nan"));
  EXPECT_FALSE(ParseNumber("inf"));
  EXPECT_FALSE(ParseNumber("no_value"));
  EXPECT_FALSE(ParseNumber("6762ps"));
  EXPECT_FALSE(ParseNumber("%"));
}

TEST(GenusReportLines, SnakeCase) {
  EXPECT_EQ(SnakeCase("Total Cell Area"), "total_cell_area");
  EXPECT_EQ(SnakeCase("Clock-Gate"), "clock_gate");
  EXPECT_EQ(SnakeCase("  Domain index "), "domain_index");
}

TEST(GenusReportLines, NamesHierarchyByIndent) {
  HierarchyNamer namer;
  EXPECT_EQ(namer.Name(0, "top"), "top");
  EXPECT_EQ(namer.Name(2, "u1"), "top/u1");
  EXPECT_EQ(namer.Name(4, "t2"), "top/u1/t2");
  EXPECT_EQ(namer.Name(2, "u2"), "top/u2");
  EXPECT_EQ(namer.Name(4, "t2"), "top/u2/t2");
  EXPECT_EQ(namer.Name(0, "other"), "other");
}

TEST(GenusReportLines, FailAtNamesFileAndLine) {
  try {
    FailAt("x.rpt", 12, "no 'Total Area' column in area table");
    FAIL() << "FailAt returned";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "x.rpt:12: no 'Total Area' column in area table");
  }
}

TEST(GenusReportLines, UnknownUnitNamesFileAndLine) {
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
}  // namespace labq::genus
