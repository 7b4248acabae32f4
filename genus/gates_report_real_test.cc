/// Exact expectations for every real Genus gates report in
/// ../shared/fixtures/real_reports/genus/gates/, read off the reports by eye.

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
using testing::ExpectUm2;
using testing::ParseRealReport;

/// One "Type" summary line; instances < 0 means the report has no such line.
struct TypeLine {
  double instances = -1;
  double area = 0;
};

struct GatesCase {
  const char* file;
  const char* version;
  double total_instances;
  double total_area;
  std::size_t gate_rows;
  TypeLine sequential, inverter, buffer, logic;
  double type_total_instances;
};

// clang-format off
const GatesCase kGatesCases[] = {
  {"01_g1520_wrapper.rpt", "15.20-p004_1", 29, 352.838, 11,
   {9, 225.216}, {6, 25.024}, {}, {14, 102.598}, 29},
  {"02_g1722_coffee.rpt", "17.22-s017_1", 394, 2686.238, 68,
   {42, 973.373}, {36, 143.054}, {1, 4.541}, {315, 1565.269}, 394},
  // Leakage Power (nW) and Library Domain columns; timing models and ICGs.
  {"04_g1911_hammer_big.rpt", "19.11-s087_1", 8448, 55039.810, 146,
   {1470, 6672.974}, {615, 447.664}, {92, 115.007}, {6224, 8526.384}, 8448},
  {"05_g2114_booth64.rpt", "21.14-s082_1", 8602, 235776.674, 20,
   {}, {126, 790.020}, {}, {8476, 234986.654}, 8602},
  // The type table's total (10342) disagrees with the gate table's (2278):
  // that is what Genus 25.11 printed; the gate table's total is the result.
  {"07_g2511_systolic.rpt", "25.11-s095_1", 2278, 6621.006, 31,
   {915, 4929.512}, {232, 124.488}, {1, 1.064}, {9194, 1565.942}, 10342},
};
// clang-format on

void ExpectType(const ParsedReport& r, const std::string& type, const TypeLine& line) {
  if (line.instances < 0) {
    EXPECT_FALSE(r.Has(type + "_instances")) << type;
    return;
  }
  ExpectCount(r, type + "_instances", line.instances);
  ExpectUm2(r, type + "_area", line.area);
}

TEST(GenusGatesReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  std::set<std::string> expected;
  for (const auto& c : kGatesCases) expected.insert(c.file);
  EXPECT_EQ(testing::RealReportNames("gates"), expected)
      << "a real gates report was added or removed: add its expectations here";
}

TEST(GenusGatesReal, TotalsAndTypes) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kGatesCases) {
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("gates", c.file);
    EXPECT_EQ(r.tool, "genus");
    EXPECT_EQ(r.kind, "gates");
    ExpectText(r, "version", c.version);
    ExpectCount(r, "total_instances", c.total_instances);
    ExpectUm2(r, "total_area", c.total_area);
    EXPECT_EQ(r.rows.size(), c.gate_rows);
    ExpectType(r, "sequential", c.sequential);
    ExpectType(r, "inverter", c.inverter);
    ExpectType(r, "buffer", c.buffer);
    ExpectType(r, "logic", c.logic);
    ExpectCount(r, "type_total_instances", c.type_total_instances);
    ExpectUm2(r, "type_total_area", c.total_area);
  }
}

TEST(GenusGatesReal, GateRows) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("gates", "02_g1722_coffee.rpt");
  ASSERT_FALSE(r.rows.empty());
  EXPECT_EQ(r.rows.front().first, "AND2X1");
  EXPECT_DOUBLE_EQ(r.rows.front().second.at("instances").value, 7);
  EXPECT_DOUBLE_EQ(r.rows.front().second.at("area").value, 31.790);
  EXPECT_EQ(r.rows.back().first, "XOR2XL");
  const auto* nand = testing::FindRow(r, "NAND2XL");
  ASSERT_NE(nand, nullptr);
  EXPECT_DOUBLE_EQ(nand->at("instances").value, 86);
  EXPECT_DOUBLE_EQ(nand->at("area").value, 260.374);
  ExpectCount(r, "physical_cells_instances", 0);
}

TEST(GenusGatesReal, LeakageColumns) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("gates", "04_g1911_hammer_big.rpt");
  ExpectNw(r, "total_leakage", 444516.292);
  ExpectNw(r, "sequential_leakage", 202707.541);
  ExpectNw(r, "logic_leakage", 218929.211);
  ExpectCount(r, "timing_model_instances", 4);
  ExpectUm2(r, "timing_model_area", 39097.221);
  ExpectCount(r, "clock_gating_integrated_cell_instances", 43);
  ExpectUm2(r, "clock_gating_integrated_cell_area", 180.559);
  const auto* dff = testing::FindRow(r, "DFFHQNx1_ASAP7_75t_SL");
  ASSERT_NE(dff, nullptr);
  EXPECT_DOUBLE_EQ(dff->at("instances").value, 1232);
  EXPECT_DOUBLE_EQ(dff->at("area").value, 5748.019);
  EXPECT_NEAR(dff->at("leakage").value, 179337.861e-9, 1e-18);
  const auto* sram = testing::FindRow(r, "SRAM1RW64x128");
  ASSERT_NE(sram, nullptr);
  EXPECT_DOUBLE_EQ(sram->at("area").value, 33552.261);
}

}  // namespace
}  // namespace labq::genus
