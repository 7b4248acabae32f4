/// Exact expectations for every real Genus power report in
/// ../shared/fixtures/real_reports/genus/power/, read off the reports by eye.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "genus/real_reports_testing.h"
#include "tests/test_paths.h"

namespace labq::genus {
namespace {

using testing::ExpectCount;
using testing::ExpectNw;
using testing::ExpectText;
using testing::ExpectW;
using testing::ParseRealReport;

/// Legacy "Leakage Dynamic Total Power(nW)" reports.
struct LegacyPowerCase {
  const char* file;
  const char* version;
  const char* instance;
  double cells;
  double leakage_nw;
  double dynamic_nw;
  double total_nw;
  std::size_t rows;
};

/// Joules-engine reports, "Power Unit: W": no banner, so no version.
struct JoulesPowerCase {
  const char* file;
  const char* instance;
  double leakage_w;
  double internal_w;
  double switching_w;
  double total_w;
  std::size_t rows;
};

// clang-format off
const LegacyPowerCase kLegacyCases[] = {
  {"01_g1520_asyncfifo_nW.rpt", "15.20-p004_1", "asynchronous_fifo", 177, 9517.854,
   20910052.061, 20919569.915, 6},
  {"02_g1520_wrapper_nW.rpt", "15.20-p004_1", "synth_wrapper", 29, 0.173, 860977.281,
   860977.454, 2},
  {"04_g1522_steel_nW.rpt", "15.20-s024_1", "riscv_steel_core", 6154, 400.632, 5546478.738,
   5546879.369, 1},
  {"05_g1722_coffee_nW.rpt", "17.22-s017_1", "coffee_making", 394, 15291.192, 2030840.197,
   2046131.388, 1},
  // A note line precedes the banner; 88 hierarchical rows.
  {"06_g1722_riscv_nW_hier.rpt", "17.22-s017_1", "top_module", 60624, 4446.344, 44038.895,
   48485.238, 88},
  // Stored with CRLF line endings.
  {"07_g1722_cpu_nW.rpt", "17.22-s017_1", "cpu", 1431, 492.504, 2452178.946, 2452671.450, 1},
  {"09_g1810_lfsr_nW.rpt", "18.10-p003_1", "lfsr4", 6, 4.194, 57100.329, 57104.523, 1},
};

const JoulesPowerCase kJoulesCases[] = {
  // By hierarchy: "Cells Pct_cells Leakage Internal Switching Total Lvl Instance".
  {"10_g1911_pctcells_W.rpt", "FDC_BW12_ABW10", 7.90267e-08, 3.61555e-04, 1.89058e-04,
   5.50692e-04, 1},
  // Category table, result from its Subtotal row; 8 category rows.
  {"11_g1914_category_W.rpt", "top_level", 4.03526e-10, 5.44691e-06, 2.43825e-06, 7.88557e-06, 8},
  {"13_g2011_alarm_W.rpt", "ALARM_CLOCK", 3.41617e-06, 2.90611e-06, 2.50483e-06, 8.82710e-06, 8},
  {"14_g2110_ldpc_W.rpt", "pe", 1.17433e-07, 5.75466e-04, 2.30692e-04, 8.06276e-04, 8},
  {"15_g2114_booth_W.rpt", "Radix_16_8b_cppg", 7.24902e-08, 1.98531e-04, 3.20477e-04,
   5.19080e-04, 8},
  {"17_g2118_gpu_W.rpt", "gpu", 6.06418e-07, 2.09211e-03, 2.89638e-04, 2.38236e-03, 8},
  {"18_g2311_W.rpt", "rv32i_superscalar_core", 2.03540e-04, 8.72782e-02, 6.29528e-02,
   1.50435e-01, 8},
  {"20_g2511_W.rpt", "top", 1.20826e-04, 5.58904e-03, 1.78694e-03, 7.49681e-03, 8},
};
// clang-format on

TEST(GenusPowerReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  std::set<std::string> expected;
  for (const auto& c : kLegacyCases) expected.insert(c.file);
  for (const auto& c : kJoulesCases) expected.insert(c.file);
  EXPECT_EQ(testing::RealReportNames("power"), expected)
      << "a real power report was added or removed: add its expectations here";
}

TEST(GenusPowerReal, LegacyNanowattTables) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kLegacyCases) {
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("power", c.file);
    EXPECT_EQ(r.tool, "genus");
    EXPECT_EQ(r.kind, "power");
    ExpectText(r, "version", c.version);
    ExpectText(r, "instance", c.instance);
    ExpectText(r, "module", c.instance);
    ExpectCount(r, "cell_count", c.cells);
    ExpectNw(r, "leakage", c.leakage_nw);
    ExpectNw(r, "dynamic", c.dynamic_nw);
    ExpectNw(r, "total", c.total_nw);
    EXPECT_FALSE(r.Has("internal"));
    EXPECT_FALSE(r.Has("switching"));
    EXPECT_EQ(r.rows.size(), c.rows);
  }
}

TEST(GenusPowerReal, JoulesWattTables) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kJoulesCases) {
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("power", c.file);
    EXPECT_EQ(r.kind, "power");
    EXPECT_EQ(r.texts.count("version"), 0u);  // no banner in these reports
    ExpectText(r, "instance", c.instance);
    ExpectW(r, "leakage", c.leakage_w);
    ExpectW(r, "internal", c.internal_w);
    ExpectW(r, "switching", c.switching_w);
    ExpectW(r, "total", c.total_w);
    // Dynamic is not printed: it is internal + switching.
    ExpectW(r, "dynamic", c.internal_w + c.switching_w);
    EXPECT_EQ(r.rows.size(), c.rows);
  }
}

TEST(GenusPowerReal, CategoryRows) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("power", "13_g2011_alarm_W.rpt");
  const auto* reg = testing::FindRow(r, "register");
  ASSERT_NE(reg, nullptr);
  // A negative internal power is what the report says; it is kept.
  EXPECT_DOUBLE_EQ(reg->at("internal").value, -1.63411e-07);
  EXPECT_DOUBLE_EQ(reg->at("total").value, 2.57023e-06);
  const auto* clock = testing::FindRow(r, "clock");
  ASSERT_NE(clock, nullptr);
  EXPECT_DOUBLE_EQ(clock->at("switching").value, 1.51920e-06);
  EXPECT_EQ(testing::FindRow(r, "Subtotal"), nullptr);
  EXPECT_EQ(testing::FindRow(r, "Percentage"), nullptr);
}

TEST(GenusPowerReal, ByHierarchyCells) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("power", "10_g1911_pctcells_W.rpt");
  ExpectCount(r, "cell_count", 1799);
}

TEST(GenusPowerReal, HierarchicalLegacyRows) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("power", "06_g1722_riscv_nW_hier.rpt");
  const auto* add = testing::FindRow(r, "top_module/uut4/add_87_52");
  ASSERT_NE(add, nullptr);
  EXPECT_NEAR(add->at("dynamic").value, 2870.707e-9, 1e-18);
  const auto* last = testing::FindRow(r, "top_module/uut/mux_temp_11_11");
  ASSERT_NE(last, nullptr);
  EXPECT_NEAR(last->at("total").value, 607.905e-9, 1e-18);
}

}  // namespace
}  // namespace labq::genus
