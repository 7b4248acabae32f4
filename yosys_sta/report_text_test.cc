#include "yosys_sta/report_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"

namespace labq::yosys_sta {
namespace {

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

TEST(ReportText, ExcerptIsShortAndQuoted) {
  EXPECT_EQ(Excerpt("  abc \r"), "'abc'");
  auto long_line = Excerpt(std::string(5000, 'x'));
  EXPECT_LT(long_line.size(), 120u);
  EXPECT_THAT(long_line, ::testing::HasSubstr("5000 characters"));
}

TEST(ReportText, FirstContentLineIsOneBased) {
  EXPECT_EQ(FirstContentLine({"", "  ", "x"}), 3);
  EXPECT_EQ(FirstContentLine({}), 1);
}

TEST(ReportText, FailAtNamesFileAndLine) {
  try {
    FailAt("r.rpt", 12, "broken");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "r.rpt:12: broken");
    EXPECT_EQ(e.where().line, 12);
  }
}

}  // namespace
}  // namespace labq::yosys_sta
