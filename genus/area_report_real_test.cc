/// Exact expectations for every real Genus area report in
/// ../shared/fixtures/real_reports/genus/area/, read off the reports by eye.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "genus/real_reports_testing.h"
#include "tests/test_paths.h"

namespace labq::genus {
namespace {

using testing::ExpectCount;
using testing::ExpectText;
using testing::ExpectUm2;
using testing::ParseRealReport;

struct AreaCase {
  const char* file;
  const char* version;
  const char* instance;
  double cells;
  double cell_area;
  double net_area;
  double total_area;
  const char* wireload;  ///< "" when the table has no Wireload column
  std::size_t rows;
};

// clang-format off
const AreaCase kAreaCases[] = {
  // 15.x: "Cells" column, integer areas.
  {"01_g1520_asyncfifo.rpt", "15.20-p004_1", "asynchronous_fifo", 177, 205128, 0, 205128,
   "Small (D)", 6},
  {"02_g1520_wrapper_icm.rpt", "15.20-p004_1", "synth_wrapper", 29, 353, 133, 486, "", 2},
  // 17.x-22.x: "Module  Cell Count".
  {"04_g1722_riscv_hier.rpt", "17.22-s017_1", "top_module", 60624, 177463.072, 0.000,
   177463.072, "<none> (D)", 88},
  {"05_g1810_tmult.rpt", "18.10-p003_1", "TMULT", 67, 60952.000, 92.738, 61044.738, "", 1},
  {"06_g1814_final.rpt", "18.14-s037_1", "comp_pulse_another_design", 32, 67.374, 55.649,
   123.023, "", 5},
  {"08_g1913_final.rpt", "19.13-s073_1", "boundFlasher", 370, 1171.658, 432.479, 1604.137, "",
   1},
  {"09_g1914_syn.rpt", "19.14-s108_1", "MSDAP", 2176, 23871.029, 1879.077, 25750.106, "", 16},
  {"10_g2011_final.rpt", "20.11-s111_1", "fifo", 376, 51293.691, 205.852, 51499.543,
   "70000 (S)", 8},
  {"11_g2110_dft.rpt", "21.10-p002_1", "riscv_core", 246, 1110.474, 348.112, 1458.586, "", 1},
  {"13_g2114_booth64.rpt", "21.14-s082_1", "booth_rad4_64bit_v2", 8602, 235776.674, 17398.880,
   253175.554, "280000 (S)", 34},
  {"14_g2115_aes_big.rpt", "21.15-s080_1", "aes_128", 136758, 512378.640, 216585.340,
   728963.980, "", 489},
  // -detail: Combinational ... Macro columns between Net Area and Total Area.
  {"15_g2118_mult_detail.rpt", "21.18-s082_1", "biriscv_multiplier", 3828, 14587.668, 5203.809,
   19791.477, "", 1},
  {"16_g2211_hammer_ldo.rpt", "22.11-s104_1", "DigitalLDOLogic", 31, 447.930, 184.741, 632.671,
   "", 1},
  {"17_g2217_risc8.rpt", "22.17-s071_1", "risc_cpu", 747, 2759.598, 842.321, 3601.919, "", 1},
  // 23.x+: hyphenated columns, "NA" module on the top row, very long lines.
  {"19_g2311_opt.rpt", "23.11-s100_1", "rv32i_superscalar_core", 141868, 61800.434, 35351.111,
   97151.545, "", 5},
  {"20_g2314_syn.rpt", "23.14-s090_1", "neuron_top", 35567, 161235.216, 0.000, 161235.216,
   "<none> (D)", 2},
  {"21_g2511_systolic.rpt", "25.11-s095_1", "top", 2278, 6621.006, 3448.844, 10069.850, "",
   260},
};
// clang-format on

TEST(GenusAreaReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  std::set<std::string> expected;
  for (const auto& c : kAreaCases) expected.insert(c.file);
  EXPECT_EQ(testing::RealReportNames("area"), expected)
      << "a real area report was added or removed: add its expectations here";
}

TEST(GenusAreaReal, TopInstanceOfEachReport) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kAreaCases) {
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("area", c.file);
    EXPECT_EQ(r.tool, "genus");
    EXPECT_EQ(r.kind, "area");
    ExpectText(r, "version", c.version);
    ExpectText(r, "instance", c.instance);
    ExpectText(r, "module", c.instance);  // from the header
    ExpectCount(r, "cell_count", c.cells);
    ExpectUm2(r, "cell_area", c.cell_area);
    ExpectUm2(r, "net_area", c.net_area);
    ExpectUm2(r, "total_area", c.total_area);
    ExpectText(r, "wireload", c.wireload);
    EXPECT_EQ(r.rows.size(), c.rows);
    ASSERT_FALSE(r.rows.empty());
    EXPECT_EQ(r.rows.front().first, c.instance);
  }
}

TEST(GenusAreaReal, DetailColumns) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("area", "15_g2118_mult_detail.rpt");
  ExpectUm2(r, "combinational_area", 13202.226);
  ExpectUm2(r, "buffer_area", 446.310);
  ExpectUm2(r, "inverter_area", 939.132);
  ExpectUm2(r, "flop_area", 0.000);
  ExpectUm2(r, "latch_area", 0.000);
  ExpectUm2(r, "clock_gate_area", 0.000);
  ExpectUm2(r, "memory_area", 0.000);
  ExpectUm2(r, "macro_area", 0.000);
  ExpectText(r, "library_domains", "worst; best");
  ExpectText(r, "operating_conditions", "PVT_0P9V_125C; PVT_1P32V_0C");
}

TEST(GenusAreaReal, HierarchicalRowsAreNamedByPath) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport aes = ParseRealReport("area", "14_g2115_aes_big.rpt");
  const auto* t2 = testing::FindRow(aes, "aes_128/mc0_mw0_t30/t2");
  ASSERT_NE(t2, nullptr);
  EXPECT_DOUBLE_EQ(t2->at("total_area").value, 30.356);
  EXPECT_DOUBLE_EQ(t2->at("cell_count").value, 4);

  ParsedReport systolic = ParseRealReport("area", "21_g2511_systolic.rpt");
  const auto* add = testing::FindRow(
      systolic, "top/u_systolic_array_top/sys_array/row[0].col[0].pe/u_fp32_mac/U_ADD");
  ASSERT_NE(add, nullptr);
  EXPECT_DOUBLE_EQ(add->at("cell_area").value, 15.960);
  EXPECT_DOUBLE_EQ(add->at("net_area").value, 1.620);
  EXPECT_DOUBLE_EQ(add->at("total_area").value, 17.580);

  ParsedReport riscv = ParseRealReport("area", "04_g1722_riscv_hier.rpt");
  const auto* rem = testing::FindRow(riscv, "top_module/uut4/rem_63_54");
  ASSERT_NE(rem, nullptr);
  EXPECT_DOUBLE_EQ(rem->at("cell_count").value, 11244);
  EXPECT_DOUBLE_EQ(rem->at("total_area").value, 28889.834);
}

TEST(GenusAreaReal, VeryLongModuleNames) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("area", "19_g2311_opt.rpt");
  const auto* adder =
      testing::FindRow(r,
                       "rv32i_superscalar_core/issue_stage_unit_rat_inst_brat_buffer/"
                       "final_adder_ADD_TC_OP_4_Y_ADD_TC_CI_OP");
  ASSERT_NE(adder, nullptr);
  EXPECT_DOUBLE_EQ(adder->at("cell_count").value, 16);
  EXPECT_DOUBLE_EQ(adder->at("total_area").value, 10.114);
  const auto* dispatch = testing::FindRow(r, "rv32i_superscalar_core/dispatch_stage_unit");
  ASSERT_NE(dispatch, nullptr);
  EXPECT_DOUBLE_EQ(dispatch->at("total_area").value, 39987.430);
}

}  // namespace
}  // namespace labq::genus
