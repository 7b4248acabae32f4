#include "yosys_sta/report_kind.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq::yosys_sta {
namespace {

std::string Own(const std::string& name) {
  return testing::SourceDir() + "/yosys_sta/testdata/" + name;
}

TEST(ReportKind, DispatchesToEachParser) {
  auto stat =
      ParseOpenFlowReport("yosys", "stat", ReadFile(Own("yosys_0_23_osu018_flat.rpt")), "stat.rpt");
  EXPECT_EQ(stat.tool, "yosys");
  EXPECT_EQ(stat.kind, "stat");
  EXPECT_EQ(stat.file, "stat.rpt");
  EXPECT_EQ(stat.Get("cell_count"), 27);

  auto checks = ParseOpenFlowReport("opensta", "checks",
                                    ReadFile(Own("opensta_2_0_17_checks_met.rpt")), "checks.rpt");
  EXPECT_EQ(checks.tool, "opensta");
  EXPECT_EQ(checks.kind, "checks");
  EXPECT_NEAR(checks.Get("slack"), 9.2322, 1e-9);

  auto power = ParseOpenFlowReport("opensta", "power",
                                   ReadFile(Own("opensta_2_0_17_power_6digit.rpt")), "power.rpt");
  EXPECT_EQ(power.kind, "power");
  EXPECT_NEAR(power.Get("total"), 1.623172e-04, 1e-15);
}

TEST(ReportKind, UnknownPairIsAnErrorNamingTheFile) {
  for (auto [tool, kind] : {std::pair{"yosys", "timing"}, std::pair{"opensta", "stat"},
                            std::pair{"genus", "power"}, std::pair{"", ""}}) {
    try {
      ParseOpenFlowReport(tool, kind, "whatever", "x.rpt");
      ADD_FAILURE() << tool << "/" << kind << " was accepted";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("x.rpt"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("no parser"));
    }
  }
}

TEST(ReportKind, ParserErrorsPassThrough) {
  EXPECT_THROW(ParseOpenFlowReport("opensta", "checks", "garbage", "g.rpt"), InputError);
}

}  // namespace
}  // namespace labq::yosys_sta
