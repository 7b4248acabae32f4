#include "yosys_sta/opensta_limit_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "tests/test_paths.h"
#include "yosys_sta/opensta_checks_report.h"

namespace labq::yosys_sta {
namespace {

using ::testing::HasSubstr;

ParsedReport ParseFile(const std::string& path) { return ParseOpenStaChecks(ReadFile(path), path); }

ParsedReport Limits(std::string_view text, std::string_view time_unit = "ns") {
  ParsedReport r;
  ReadLimitChecks(SplitLines(text), time_unit, "l.rpt", r);
  return r;
}

/// The flow's sta.tcl appends `report_check_types -max_transition
/// -all_violators -digits 4` and `check_setup -unconstrained_endpoints` to the
/// report_checks output; this is OpenSTA 2.0.17's real output of that.
TEST(OpenStaLimitChecks, Sta2017SlewViolatorsAndUnconstrainedEndpoints) {
  auto r = ParseFile(testing::SourceDir() + "/yosys_sta/testdata/opensta_2_0_17_checks_limits.rpt");
  EXPECT_NEAR(r.Get("slack"), 9.2322, 1e-12);  // the path is read as before
  EXPECT_EQ(r.Get("max_slew_violations"), 12);
  EXPECT_EQ(r.values.at("max_slew_violations").line, 33);
  EXPECT_NEAR(r.Get("max_slew_worst_slack"), -0.0204, 1e-12);
  EXPECT_EQ(r.values.at("max_slew_worst_slack").unit, "ns");
  EXPECT_EQ(r.values.at("max_slew_worst_slack").line, 37);
  EXPECT_EQ(r.Get("unconstrained_endpoints"), 5);
  EXPECT_EQ(r.values.at("unconstrained_endpoints").line, 50);
  EXPECT_FALSE(r.Has("max_capacitance_violations"));
  EXPECT_FALSE(r.Has("max_fanout_violations"));
}

/// Reports without the sections (the flow before it printed them, a clean
/// design under -all_violators) get no value: absent, not 0.
TEST(OpenStaLimitChecks, AbsentSectionsGiveNoValues) {
  auto r = ParseFile(testing::SourceDir() + "/yosys_sta/testdata/opensta_2_0_17_checks_met.rpt");
  for (const char* name : {"max_slew_violations", "max_slew_worst_slack", "unconstrained_endpoints",
                           "max_capacitance_violations", "max_fanout_violations"}) {
    EXPECT_FALSE(r.Has(name)) << name;
  }
}

/// Layout of later OpenSTA versions: "max slew", "max capacitance" and "max
/// fanout" tables, MET rows too (without -violators), a report_units time unit.
TEST(OpenStaLimitChecks, LaterOpenStaTables) {
  auto r = Limits(
      "max slew\n\n"
      "Pin                                    Limit    Slew   Slack\n"
      "------------------------------------------------------------\n"
      "_12_/X                                1500.00 2010.00 -510.00 (VIOLATED)\n\n"
      "max capacitance\n\n"
      "Pin                                    Limit     Cap   Slack\n"
      "------------------------------------------------------------\n"
      "_12_/X                                   0.20    0.05    0.15 (MET)\n\n"
      "max fanout\n\n"
      "Pin                                   Limit Fanout  Slack\n"
      "---------------------------------------------------------\n"
      "clkbuf_0_clock/X                          8     16     -8 (VIOLATED)\n"
      "clkbuf_1_clock/X                          8     10     -2 (VIOLATED)\n",
      "ps");
  EXPECT_EQ(r.Get("max_slew_violations"), 1);
  EXPECT_NEAR(r.Get("max_slew_worst_slack"), -0.51, 1e-12);  // ps -> ns
  EXPECT_EQ(r.values.at("max_slew_worst_slack").original_unit, "ps");
  EXPECT_EQ(r.Get("max_capacitance_violations"), 0);
  EXPECT_NEAR(r.Get("max_capacitance_worst_slack"), 0.15, 1e-12);
  EXPECT_EQ(r.Get("max_fanout_violations"), 2);
  EXPECT_EQ(r.Get("max_fanout_worst_slack"), -8);
  EXPECT_EQ(r.values.at("max_fanout_worst_slack").line, 17);
}

/// OpenLane/ORFS count lines win over a table that lists only the worst pin;
/// per-corner counts give the largest.
TEST(OpenStaLimitChecks, CountLines) {
  auto r = Limits(
      "max slew violations count Fastest: 0\n"
      "max slew violations count Slowest: 3\n"
      "max cap violation count 0\n"
      "max fanout\n\n"
      "Pin        Limit Fanout  Slack\n"
      "------------------------------\n"
      "a/X            8     16     -8 (VIOLATED)\n\n"
      "max fanout violation count 4\n");
  EXPECT_EQ(r.Get("max_slew_violations"), 3);
  EXPECT_EQ(r.values.at("max_slew_violations").line, 2);
  EXPECT_EQ(r.Get("max_capacitance_violations"), 0);
  EXPECT_EQ(r.Get("max_fanout_violations"), 4);
  EXPECT_EQ(r.Get("max_fanout_worst_slack"), -8);
}

TEST(OpenStaLimitChecksReal, OrfsAndOpenLaneReports) {
  LABQ_REQUIRE_REAL_REPORTS();
  const std::string dir = testing::RealReportsDir() + "/opensta/checks/";
  auto cordic = ParseFile(dir + "06_orfs_cordic_finish.rpt");
  EXPECT_EQ(cordic.Get("max_fanout_violations"), 1);
  EXPECT_EQ(cordic.Get("max_fanout_worst_slack"), -8);
  EXPECT_EQ(cordic.Get("max_slew_violations"), 0);
  EXPECT_EQ(cordic.Get("max_capacitance_violations"), 0);
  auto vedic = ParseFile(dir + "01_ol_vedic_multicorner_viol.rpt");
  EXPECT_EQ(vedic.Get("max_slew_violations"), 0);
  EXPECT_EQ(vedic.Get("max_fanout_violations"), 0);
  EXPECT_EQ(vedic.Get("max_capacitance_violations"), 0);
  EXPECT_FALSE(vedic.Has("max_slew_worst_slack"));
}

TEST(OpenStaLimitChecks, UnreadableRowNamesFileLineAndKey) {
  try {
    Limits("max_transition\n\nPin  Limit  Trans  Slack\n----------------\n_27_/Y 0.15 0.17 lots\n");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("l.rpt:5: max_slew_worst_slack: expected"));
  }
}

}  // namespace
}  // namespace labq::yosys_sta
