#include "yosys_sta/opensta_checks_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq::yosys_sta {
namespace {

using ::testing::HasSubstr;

double Tol(double expected) { return std::abs(expected) * 1e-9 + 1e-12; }

std::string RealPath(const std::string& name) {
  return testing::RealReportsDir() + "/opensta/checks/" + name;
}
ParsedReport ParseReal(const std::string& name) {
  auto path = RealPath(name);
  return ParseOpenStaChecks(ReadFile(path), path);
}
std::string OwnPath(const std::string& name) {
  return testing::SourceDir() + "/yosys_sta/testdata/" + name;
}
ParsedReport ParseOwn(const std::string& name) {
  auto path = OwnPath(name);
  return ParseOpenStaChecks(ReadFile(path), path);
}

std::string ErrorOf(std::string_view text, const std::string& file) {
  try {
    ParseOpenStaChecks(text, file);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

std::string Fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%8.2f", value);
  return buffer;
}

/// One path in the layout OpenSTA prints, for the synthetic cases.
std::string Path(const std::string& from, const std::string& to, const std::string& type,
                 const std::string& launch, double arrival, const std::string& capture,
                 double required, double slack) {
  const std::string rule = "---------------------------------------------------------\n";
  return "Startpoint: " + from + " (input port clocked by clk)\nEndpoint: " + to +
         " (rising edge-triggered flip-flop clocked by clk)\nPath Group: clk\nPath Type: " + type +
         "\n\n  Delay    Time   Description\n" + rule + Fixed(0) + Fixed(0) + "   clock " + launch +
         "\n" + Fixed(0.1) + Fixed(arrival) + " ^ " + to + "/D (DFF)\n        " + Fixed(arrival) +
         "   data arrival time\n\n" + Fixed(5) + Fixed(required) + "   clock " + capture +
         "\n        " + Fixed(required) + "   data required time\n" + rule + "        " +
         Fixed(required) + "   data required time\n        " + Fixed(-arrival) +
         "   data arrival time\n" + rule + "        " + Fixed(slack) + "   slack (" +
         (slack < 0 ? "VIOLATED" : "MET") + ")\n\n\n";
}

TEST(OpenStaChecksReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  const std::set<std::string> covered = {"01_ol_vedic_multicorner_viol.rpt",
                                         "03_ol_tlc_cts_max.rpt", "04_orfs_fifo_critical.rpt",
                                         "06_orfs_cordic_finish.rpt"};
  std::set<std::string> present;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::RealReportsDir() + "/opensta/checks")) {
    present.insert(entry.path().filename().string());
  }
  EXPECT_EQ(present, covered);
  EXPECT_EQ(present.size(), 4u);
}

TEST(OpenStaChecksReal, OpenLaneMultiCornerTakesTheWorstCorner) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("01_ol_vedic_multicorner_viol.rpt");
  EXPECT_EQ(r.tool, "opensta");
  EXPECT_EQ(r.kind, "checks");
  EXPECT_EQ(r.file, RealPath("01_ol_vedic_multicorner_viol.rpt"));
  // Fastest (3.06, printed first) and Typical (1.50) meet; Slowest violates.
  EXPECT_NEAR(r.Get("slack"), -2.51, Tol(2.51));
  EXPECT_EQ(r.values.at("slack").line, 194);
  EXPECT_EQ(r.values.at("slack").unit, "ns");
  EXPECT_NEAR(r.Get("arrival"), 10.26, Tol(10.26));
  EXPECT_NEAR(r.Get("required"), 7.75, Tol(7.75));
  EXPECT_NEAR(r.Get("clock_period"), 10, Tol(10));
  EXPECT_NEAR(r.Get("path_count"), 4, Tol(4));
  EXPECT_EQ(r.texts.at("startpoint"), "b[0]");
  EXPECT_EQ(r.texts.at("endpoint"), "prod[15]");
  EXPECT_EQ(r.texts.at("path_group"), "clk");
  EXPECT_EQ(r.texts.at("path_type"), "max");
  EXPECT_EQ(r.texts.at("status"), "VIOLATED");
  EXPECT_EQ(r.texts.at("corner"), "Slowest");
  EXPECT_EQ(r.texts.at("clock"), "clk");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_NEAR(r.rows[0].second.at("slack").value, 3.06, Tol(3.06));
  EXPECT_NEAR(r.rows[2].second.at("slack").value, 1.50, Tol(1.50));
  EXPECT_EQ(r.rows[2].first, "prod[15]");
}

TEST(OpenStaChecksReal, OpenLaneCtsSeveralGroups) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("03_ol_tlc_cts_max.rpt");
  // The first path (**async_default**, 19.27) is not the worst one.
  EXPECT_NEAR(r.Get("slack"), 17.47, Tol(17.47));
  EXPECT_NEAR(r.Get("arrival"), 1.48, Tol(1.48));
  EXPECT_NEAR(r.Get("required"), 18.95, Tol(18.95));
  EXPECT_NEAR(r.Get("clock_period"), 24, Tol(24));
  EXPECT_NEAR(r.Get("path_count"), 7, Tol(7));
  EXPECT_EQ(r.texts.at("startpoint"), "_19_");
  EXPECT_EQ(r.texts.at("endpoint"), "light_highway[1]");
  EXPECT_EQ(r.texts.at("path_group"), "clk");
  EXPECT_EQ(r.texts.at("status"), "MET");
  EXPECT_FALSE(r.texts.count("corner"));
  ASSERT_EQ(r.rows.size(), 7u);
  EXPECT_EQ(r.rows[0].first, "_18_");
  EXPECT_NEAR(r.rows[0].second.at("slack").value, 19.27, Tol(19.27));
}

TEST(OpenStaChecksReal, OrfsCriticalPathAfterAWarning) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("04_orfs_fifo_critical.rpt");
  EXPECT_NEAR(r.Get("slack"), 4.83, Tol(4.83));
  EXPECT_NEAR(r.Get("arrival"), 4.61, Tol(4.61));
  EXPECT_NEAR(r.Get("required"), 9.44, Tol(9.44));
  EXPECT_NEAR(r.Get("clock_period"), 10, Tol(10));
  EXPECT_NEAR(r.Get("path_count"), 2, Tol(2));
  EXPECT_EQ(r.texts.at("startpoint"), "w_en");
  EXPECT_EQ(r.texts.at("endpoint"), "uut1/_413_");
  EXPECT_EQ(r.texts.at("path_group"), "wclk");
  EXPECT_EQ(r.texts.at("status"), "MET");
  EXPECT_NEAR(r.rows[0].second.at("slack").value, 13.94, Tol(13.94));
}

TEST(OpenStaChecksReal, OrfsFinishReportPrefersSetupPaths) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("06_orfs_cordic_finish.rpt");
  // The hold path printed first has 0.16; the setup slack (14.32) is the result.
  EXPECT_NEAR(r.Get("slack"), 14.32, Tol(14.32));
  EXPECT_EQ(r.values.at("slack").line, 157);
  EXPECT_NEAR(r.Get("arrival"), 6.03, Tol(6.03));
  EXPECT_NEAR(r.Get("required"), 20.35, Tol(20.35));
  EXPECT_NEAR(r.Get("clock_period"), 20, Tol(20));
  EXPECT_NEAR(r.Get("path_count"), 5, Tol(5));
  EXPECT_EQ(r.texts.at("startpoint"), "angle[29]");
  EXPECT_EQ(r.texts.at("endpoint"), "Y[0][4]$_DFF_P_");
  EXPECT_EQ(r.texts.at("path_group"), "clock");
  EXPECT_EQ(r.texts.at("path_type"), "max");
  EXPECT_EQ(r.texts.at("status"), "MET");
  EXPECT_NEAR(r.rows[0].second.at("slack").value, 0.16, Tol(0.16));
}

// --- Output of this machine's OpenSTA 2.0.17 ---------------------------------

TEST(OpenStaChecks, Sta2017Met) {
  auto r = ParseOwn("opensta_2_0_17_checks_met.rpt");
  EXPECT_NEAR(r.Get("slack"), 9.2322, Tol(9.2322));
  EXPECT_NEAR(r.Get("arrival"), 0.5847, Tol(0.5847));
  EXPECT_NEAR(r.Get("required"), 9.8169, Tol(9.8169));
  EXPECT_NEAR(r.Get("clock_period"), 10, Tol(10));
  EXPECT_NEAR(r.Get("path_count"), 1, Tol(1));
  EXPECT_EQ(r.texts.at("startpoint"), "b[1]");
  EXPECT_EQ(r.texts.at("endpoint"), "_47_");
  EXPECT_EQ(r.texts.at("path_group"), "clk");
  EXPECT_EQ(r.texts.at("status"), "MET");
}

TEST(OpenStaChecks, Sta2017ViolatedWithFieldsAndGroupCount) {
  auto r = ParseOwn("opensta_2_0_17_checks_viol_fields.rpt");
  EXPECT_NEAR(r.Get("slack"), -0.468, Tol(0.468));
  EXPECT_NEAR(r.Get("arrival"), 0.685, Tol(0.685));
  EXPECT_NEAR(r.Get("required"), 0.217, Tol(0.217));
  EXPECT_NEAR(r.Get("clock_period"), 0.4, Tol(0.4));
  EXPECT_NEAR(r.Get("path_count"), 2, Tol(2));
  EXPECT_EQ(r.texts.at("endpoint"), "_47_");
  EXPECT_EQ(r.texts.at("status"), "VIOLATED");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].first, "_48_");
  EXPECT_NEAR(r.rows[1].second.at("slack").value, -0.394, Tol(0.394));
}

TEST(OpenStaChecks, Sta2017MinMaxTakesTheSetupPath) {
  auto r = ParseOwn("opensta_2_0_17_checks_min_max.rpt");
  EXPECT_NEAR(r.Get("slack"), -0.47, Tol(0.47));
  EXPECT_EQ(r.texts.at("path_type"), "max");
  EXPECT_EQ(r.texts.at("endpoint"), "_47_");
  EXPECT_NEAR(r.rows[0].second.at("slack").value, 0.15, Tol(0.15));  // The hold path.
}

TEST(OpenStaChecks, Sta2017NoPathsFound) {
  auto r = ParseOwn("opensta_2_0_17_no_paths.rpt");
  EXPECT_EQ(r.texts.at("status"), "NO_PATHS");
  EXPECT_FALSE(r.Has("slack"));
  EXPECT_THROW(r.Get("slack"), Error);
  EXPECT_EQ(r.Get("path_count"), 0);
  EXPECT_EQ(r.tool, "opensta");
}

TEST(OpenStaChecks, Sta2017Unconstrained) {
  auto r = ParseOwn("opensta_2_0_17_unconstrained.rpt");
  EXPECT_EQ(r.texts.at("status"), "UNCONSTRAINED");
  EXPECT_FALSE(r.Has("slack"));
  EXPECT_FALSE(r.Has("required"));
  EXPECT_FALSE(r.Has("clock_period"));
  EXPECT_NEAR(r.Get("arrival"), 0.58, Tol(0.58));
  EXPECT_EQ(r.texts.at("path_group"), "(none)");
  EXPECT_EQ(r.texts.at("endpoint"), "_47_");
}

TEST(OpenStaChecks, CrLfLineEndings) {
  auto text = ReadFile(OwnPath("opensta_2_0_17_checks_met.rpt"));
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto r = ParseOpenStaChecks(crlf, "crlf.rpt");
  EXPECT_NEAR(r.Get("slack"), 9.2322, Tol(9.2322));
  EXPECT_EQ(r.texts.at("status"), "MET");
  EXPECT_EQ(r.texts.at("endpoint"), "_47_");
}

TEST(OpenStaChecks, HoldOnlyReportTakesTheSmallestHoldSlack) {
  auto text = Path("a", "r1", "min", "clk (rise edge)", 0.3, "clk (rise edge)", 0.1, 0.2) +
              Path("b", "r2", "min", "clk (rise edge)", 0.2, "clk (rise edge)", 0.1, 0.1);
  auto r = ParseOpenStaChecks(text, "hold.rpt");
  EXPECT_NEAR(r.Get("slack"), 0.1, Tol(0.1));
  EXPECT_EQ(r.texts.at("endpoint"), "r2");
  EXPECT_FALSE(r.Has("clock_period"));  // Only reported for setup paths.
}

TEST(OpenStaChecks, FallingLaunchEdgeGivesNoClockPeriod) {
  auto r = ParseOpenStaChecks(
      Path("a", "r1", "max", "clk (fall edge)", 1.0, "clk (rise edge)", 10.0, 9.0), "fall.rpt");
  EXPECT_NEAR(r.Get("slack"), 9.0, Tol(9.0));
  EXPECT_FALSE(r.Has("clock_period"));
}

TEST(OpenStaChecks, ReportUnitsLineChangesTheTimeUnit) {
  auto text = " time 1ps\n capacitance 1fF\n" +
              Path("a", "r1", "max", "clk (rise edge)", 250, "clk (rise edge)", 900, 650);
  auto r = ParseOpenStaChecks(text, "ps.rpt");
  EXPECT_NEAR(r.Get("slack"), 0.65, Tol(0.65));
  EXPECT_EQ(r.values.at("slack").original_unit, "ps");
  EXPECT_NEAR(r.values.at("slack").original_value, 650, Tol(650));
  EXPECT_NEAR(r.Get("arrival"), 0.25, Tol(0.25));
}

TEST(OpenStaChecks, VeryLongNames) {
  const std::string pin(300000, 'p');
  auto r = ParseOpenStaChecks(
      std::string(500000, '#') + "\n" +
          Path(pin, pin, "max", "clk (rise edge)", 1.0, "clk (rise edge)", 10.0, 9.0),
      "long.rpt");
  EXPECT_EQ(r.texts.at("startpoint"), pin);
  EXPECT_EQ(r.texts.at("endpoint"), pin);
  EXPECT_NEAR(r.Get("slack"), 9.0, Tol(9.0));
  EXPECT_NEAR(r.Get("clock_period"), 10.0, Tol(10.0));  // Capture edge at the required time.

  // Errors about such a path stay short.
  auto text = Path(pin, pin, "max", "clk (rise edge)", 1.0, "clk (rise edge)", 10.0, 9.0);
  auto message = ErrorOf(text.substr(0, text.find("data required")), "long_cut.rpt");
  EXPECT_THAT(message, HasSubstr("long_cut.rpt:1:"));
  EXPECT_LT(message.size(), 400u);
}

TEST(OpenStaChecks, GarbageIsAnErrorNamingFileAndLine) {
  EXPECT_THAT(ErrorOf("\nhello\nworld\n", "garbage.rpt"),
              HasSubstr("garbage.rpt:2: not OpenSTA 'report_checks' output"));
  EXPECT_THAT(ErrorOf("", "empty.rpt"), HasSubstr("empty.rpt:1:"));
  auto long_garbage = ErrorOf(std::string(1 << 20, 'z'), "big.rpt");
  EXPECT_THAT(long_garbage, HasSubstr("big.rpt:1:"));
  EXPECT_LT(long_garbage.size(), 400u);
}

TEST(OpenStaChecks, CutShortPathIsAnError) {
  auto text = ReadFile(OwnPath("opensta_2_0_17_checks_met.rpt"));
  auto cut = text.substr(0, text.find("data required time"));
  EXPECT_THAT(ErrorOf(cut, "cut.rpt"), HasSubstr("cut.rpt:1: path from 'b[1]' has no slack"));
  // A second path starting before the first one ended.
  EXPECT_THAT(ErrorOf(cut + "\n" + text, "twice.rpt"), HasSubstr("twice.rpt:1:"));
  // A path that never says when data arrives.
  EXPECT_THAT(ErrorOf("Startpoint: a\nEndpoint: b\n   1.00   slack (MET)\n", "noarr.rpt"),
              HasSubstr("noarr.rpt:3:"));
  // A slack without a number.
  EXPECT_THAT(ErrorOf("Startpoint: a\nEndpoint: b\n 1.0 data arrival time\n  x  slack (MET)\n",
                      "nonum.rpt"),
              HasSubstr("nonum.rpt:4:"));
}

}  // namespace
}  // namespace labq::yosys_sta
