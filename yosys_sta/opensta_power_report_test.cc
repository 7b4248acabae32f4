#include "yosys_sta/opensta_power_report.h"

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

double Tol(double expected) { return std::abs(expected) * 1e-9 + 1e-18; }

ParsedReport ParseReal(const std::string& relative) {
  auto path = testing::RealReportsDir() + "/opensta/" + relative;
  return ParseOpenStaPower(ReadFile(path), path);
}
std::string OwnPath(const std::string& name) {
  return testing::SourceDir() + "/yosys_sta/testdata/" + name;
}
ParsedReport ParseOwn(const std::string& name) {
  auto path = OwnPath(name);
  return ParseOpenStaPower(ReadFile(path), path);
}

std::string ErrorOf(std::string_view text, const std::string& file) {
  try {
    ParseOpenStaPower(text, file);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

void ExpectTotals(const ParsedReport& r, double internal, double switching, double leakage,
                  double total) {
  EXPECT_NEAR(r.Get("internal"), internal, Tol(internal));
  EXPECT_NEAR(r.Get("switching"), switching, Tol(switching));
  EXPECT_NEAR(r.Get("leakage"), leakage, Tol(leakage));
  EXPECT_NEAR(r.Get("total"), total, Tol(total));
  for (const char* name : {"internal", "switching", "leakage", "total"}) {
    EXPECT_EQ(r.values.at(name).unit, "W") << name;
  }
}

const std::map<std::string, Quantity>& Row(const ParsedReport& r, const std::string& group) {
  for (const auto& [name, q] : r.rows) {
    if (name == group) return q;
  }
  throw Error("no row " + group);
}

TEST(OpenStaPowerReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  const std::set<std::string> covered = {"01_ol_tlc_cts.rpt", "03_ol2_uart_6digit.rpt",
                                         "05_orfs_fifo_bare.rpt"};
  std::set<std::string> present;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::RealReportsDir() + "/opensta/power")) {
    present.insert(entry.path().filename().string());
  }
  EXPECT_EQ(present, covered);
  EXPECT_EQ(present.size(), 3u);
}

TEST(OpenStaPowerReal, OpenLaneTwoDigitsNoClockRow) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("power/01_ol_tlc_cts.rpt");
  EXPECT_EQ(r.tool, "opensta");
  EXPECT_EQ(r.kind, "power");
  ExpectTotals(r, 2.63e-05, 6.87e-06, 2.29e-10, 3.32e-05);
  EXPECT_EQ(r.values.at("total").line, 13);
  EXPECT_EQ(r.values.at("total").original_unit, "W");
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].first, "Sequential");
  EXPECT_EQ(r.rows[3].first, "Pad");
  EXPECT_NEAR(Row(r, "Combinational").at("total").value, 2.92e-05, Tol(2.92e-05));
  EXPECT_FALSE(r.texts.count("corner"));
}

TEST(OpenStaPowerReal, OpenLane2SixDigitsWithCornerBanner) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("power/03_ol2_uart_6digit.rpt");
  ExpectTotals(r, 5.307778e-04, 1.397645e-04, 7.458900e-09, 6.705498e-04);
  EXPECT_EQ(r.texts.at("corner"), "nom_tt_025C_1v80");
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_NEAR(Row(r, "Clock").at("switching").value, 1.098392e-04, Tol(1.098392e-04));
}

TEST(OpenStaPowerReal, OrfsBareTable) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("power/05_orfs_fifo_bare.rpt");
  ExpectTotals(r, 1.53e-03, 2.77e-04, 3.93e-09, 1.81e-03);
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_NEAR(Row(r, "Sequential").at("internal").value, 1.08e-03, Tol(1.08e-03));
  EXPECT_EQ(Row(r, "Clock").at("total").value, 0);
}

TEST(OpenStaPowerReal, TableInsideOrfsFinishReport) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("checks/06_orfs_cordic_finish.rpt");
  ExpectTotals(r, 1.31e-02, 6.53e-03, 9.28e-06, 1.97e-02);
  EXPECT_EQ(r.values.at("total").line, 454);
  EXPECT_EQ(r.rows.size(), 5u);
}

// --- Output of this machine's OpenSTA 2.0.17 (no "(Watts)" in the header) ---

TEST(OpenStaPower, Sta2017SixDigits) {
  auto r = ParseOwn("opensta_2_0_17_power_6digit.rpt");
  ExpectTotals(r, 1.520689e-04, 1.024622e-05, 2.030096e-09, 1.623172e-04);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_NEAR(Row(r, "Sequential").at("internal").value, 1.218245e-04, Tol(1.218245e-04));
}

TEST(OpenStaPower, Sta2017DefaultDigits) {
  auto r = ParseOwn("opensta_2_0_17_power_default.rpt");
  ExpectTotals(r, 1.52e-04, 1.02e-05, 2.03e-09, 1.62e-04);
}

TEST(OpenStaPower, CrLfLineEndings) {
  auto text = ReadFile(OwnPath("opensta_2_0_17_power_default.rpt"));
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ExpectTotals(ParseOpenStaPower(crlf, "crlf.rpt"), 1.52e-04, 1.02e-05, 2.03e-09, 1.62e-04);
}

TEST(OpenStaPower, HeaderUnitIsHonoured) {
  const char* text =
      "Group                  Internal  Switching    Leakage      Total\n"
      "                          Power      Power      Power      Power (mW)\n"
      "----------------------------------------------------------------\n"
      "Sequential             1.00e+00   2.00e+00   3.00e+00   6.00e+00 100.0%\n"
      "----------------------------------------------------------------\n"
      "Total                  1.00e+00   2.00e+00   3.00e+00   6.00e+00 100.0%\n";
  auto r = ParseOpenStaPower(text, "mw.rpt");
  ExpectTotals(r, 1e-3, 2e-3, 3e-3, 6e-3);
  EXPECT_EQ(r.values.at("total").original_unit, "mW");
}

/// Before, only the first table (ff) was read; now the worst corner is the
/// headline and every corner is kept.
TEST(OpenStaPower, WorstCornerIsTheHeadline) {
  auto table = ReadFile(OwnPath("opensta_2_0_17_power_default.rpt"));
  auto other = table;
  other.replace(other.find("1.62e-04 100.0%"), 8, "9.99e-01");
  auto r = ParseOpenStaPower("==== ff Corner ====\n" + table + "==== ss Corner ====\n" + other,
                             "corners.rpt");
  EXPECT_NEAR(r.Get("total"), 0.999, Tol(0.999));
  EXPECT_EQ(r.texts.at("corner"), "ss");
  EXPECT_NEAR(r.Get("total_1"), 1.62e-04, Tol(1.62e-04));
  EXPECT_NEAR(r.Get("total_2"), 0.999, Tol(0.999));
  EXPECT_EQ(r.texts.at("corner_1"), "ff");
  EXPECT_EQ(r.texts.at("corner_2"), "ss");
  EXPECT_NEAR(r.Get("corner_count"), 2, 0);
}

/// Real two-corner output of OpenSTA 2.0.17 (see testdata/README.md): ff is
/// printed first, but ss draws more power and is the headline (before, ff's
/// table was the only one read: total 1.622286e-04 W).
TEST(OpenStaPower, Sta2017TwoCorners) {
  auto r = ParseOwn("opensta_2_0_17_power_2corner.rpt");
  EXPECT_EQ(r.texts.at("corner"), "ss");
  ExpectTotals(r, 1.520689e-04, 1.024622e-05, 2.030096e-09, 1.623172e-04);
  EXPECT_EQ(r.values.at("total").line, 21);
  EXPECT_EQ(r.texts.at("corner_1"), "ff");
  EXPECT_EQ(r.texts.at("corner_2"), "ss");
  EXPECT_NEAR(r.Get("total_1"), 1.622286e-04, Tol(1.622286e-04));
  EXPECT_NEAR(r.Get("internal_1"), 1.519803e-04, Tol(1.519803e-04));
  EXPECT_EQ(r.values.at("total_1").line, 10);
  EXPECT_NEAR(r.Get("total_2"), 1.623172e-04, Tol(1.623172e-04));
  EXPECT_NEAR(r.Get("corner_count"), 2, 0);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_NEAR(Row(r, "Combinational").at("total").value, 4.049184e-05, Tol(4.049184e-05));
}

/// One table keeps the single-corner shape: no numbered copies.
TEST(OpenStaPower, OneTableHasNoPerCornerValues) {
  auto r = ParseOwn("opensta_2_0_17_power_6digit.rpt");
  EXPECT_FALSE(r.Has("corner_count"));
  EXPECT_FALSE(r.Has("total_1"));
  EXPECT_EQ(r.values.size(), 4u);
}

TEST(OpenStaPower, LongLinesAroundTheTable) {
  auto table = ReadFile(OwnPath("opensta_2_0_17_power_default.rpt"));
  auto r = ParseOpenStaPower(std::string(1 << 20, '=') + "\n" + table + std::string(1 << 20, 'x'),
                             "long.rpt");
  EXPECT_NEAR(r.Get("total"), 1.62e-04, Tol(1.62e-04));
}

TEST(OpenStaPower, GarbageIsAnErrorNamingFileAndLine) {
  EXPECT_THAT(ErrorOf("\n\nnot a power report\n", "garbage.rpt"),
              HasSubstr("garbage.rpt:3: not OpenSTA 'report_power' output"));
  EXPECT_THAT(ErrorOf("", "empty.rpt"), HasSubstr("empty.rpt:1:"));
  // A table cut before its Total row.
  auto table = ReadFile(OwnPath("opensta_2_0_17_power_default.rpt"));
  EXPECT_THAT(ErrorOf(table.substr(0, table.find("Total    ")), "cut.rpt"),
              HasSubstr("cut.rpt:1: OpenSTA 'report_power' table has no Total row"));
  // A row whose numbers are not numbers.
  auto broken = table;
  broken.replace(broken.find("3.02e-05"), 8, "3.02e-0x");
  EXPECT_THAT(ErrorOf(broken, "broken.rpt"), HasSubstr("broken.rpt:5:"));
  // A row that is too short, of a megabyte.
  auto line = table.find("Macro");
  auto huge = table.substr(0, line) + std::string(1 << 20, 'y') + "\n" + table.substr(line);
  auto message = ErrorOf(huge, "huge.rpt");
  EXPECT_THAT(message, HasSubstr("huge.rpt:6:"));
  EXPECT_LT(message.size(), 400u);
}

}  // namespace
}  // namespace labq::yosys_sta
