/// Exact expectations for every real Genus QoR report in
/// ../shared/fixtures/real_reports/genus/qor/, read off the reports by eye.

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "genus/real_reports_testing.h"
#include "tests/test_paths.h"

namespace labq::genus {
namespace {

using testing::ExpectCount;
using testing::ExpectPs;
using testing::ExpectQuantity;
using testing::ExpectText;
using testing::ExpectUm2;
using testing::ParseRealReport;

struct QorCase {
  const char* file;
  const char* version;
  double worst_slack_ps;
  double tns_ps;
  double violating_paths;
  std::optional<double> clock_period_ps;  ///< only with a single clock
  double leaf_instances;
  double sequential_instances;
  double cell_area;
  double net_area;
  double total_area;
  double runtime_s;
  const char* hostname;
  std::size_t rows;  ///< clocks + cost groups
};

// clang-format off
const QorCase kQorCases[] = {
  // Several cost groups, negative slack and TNS; a negative runtime as printed.
  {"01_g1520s010_dsp_tns.rpt", "15.20-s010_1", -248.8, -118221, 557, 5000.0, 10315, 774,
   26825.796, 11316.116, 38141.912, -18.418, "ice08.ee.cooper.edu", 1 + 7},
  {"02_g1810_final.rpt", "18.10-p003_1", 304.8, 0.0, 0, 1000.0, 6, 4, 30.520, 5.771, 36.291,
   0.0, "ee-mill1.ee.ic.ac.uk", 1 + 2},
  // Eight clocks, so no single clock_period.
  {"03_g1912_orca.rpt", "19.12-s121_1", 0.0, 0.0, 0, std::nullopt, 36572, 5254, 367142.285,
   0.000, 367142.285, 786.8810510000001, "auto.ece.pdx.edu", 8 + 9},
  // Per analysis view tables; Total TNS printed as "-0.0".
  {"05_g2211_hammer_ldo.rpt", "22.11-s104_1", 97335.9, -0.0, 0, 100000.0, 31, 10, 447.930,
   184.741, 632.671, 0.0, "c111-12.EECS.Berkeley.EDU", 1 + 2},
  {"06_g2310_addsub.rpt", "23.10-p004_1", 4756.3, 0.0, 0, 10000.0, 230, 51, 954271.930,
   1100.658, 955372.588, 0.0, "localhost", 1 + 2},
  {"07_g2511_systolic.rpt", "25.11-s095_1", 285.3, 0.0, 0, 1000.0, 2278, 915, 6621.006,
   3448.844, 10069.850, 8098.973061, "asicfab.ecn.purdue.edu", 1 + 2},
};
// clang-format on

TEST(GenusQorReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  std::set<std::string> expected;
  for (const auto& c : kQorCases) expected.insert(c.file);
  EXPECT_EQ(testing::RealReportNames("qor"), expected)
      << "a real QoR report was added or removed: add its expectations here";
}

TEST(GenusQorReal, SummaryOfEachReport) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kQorCases) {
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("qor", c.file);
    EXPECT_EQ(r.tool, "genus");
    EXPECT_EQ(r.kind, "qor");
    ExpectText(r, "version", c.version);
    ExpectPs(r, "worst_slack", c.worst_slack_ps);
    ExpectPs(r, "wns", c.worst_slack_ps < 0 ? c.worst_slack_ps : 0.0);
    ExpectPs(r, "tns", c.tns_ps);
    ExpectCount(r, "violating_paths", c.violating_paths);
    if (c.clock_period_ps) {
      ExpectPs(r, "clock_period", *c.clock_period_ps);
    } else {
      EXPECT_FALSE(r.Has("clock_period"));
    }
    ExpectCount(r, "leaf_instance_count", c.leaf_instances);
    ExpectCount(r, "sequential_instance_count", c.sequential_instances);
    ExpectUm2(r, "cell_area", c.cell_area);
    ExpectUm2(r, "total_cell_area", c.cell_area);  // no physical cells in these runs
    ExpectUm2(r, "physical_cell_area", 0.0);
    ExpectUm2(r, "net_area", c.net_area);
    ExpectUm2(r, "total_area", c.total_area);
    ExpectQuantity(r, "runtime", c.runtime_s, "s", 1e9, "ns");
    ExpectText(r, "hostname", c.hostname);
    EXPECT_EQ(r.rows.size(), c.rows);
  }
}

TEST(GenusQorReal, CostGroupRows) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("qor", "01_g1520s010_dsp_tns.rpt");
  const auto* c2o = testing::FindRow(r, "group:C2O");
  ASSERT_NE(c2o, nullptr);
  EXPECT_DOUBLE_EQ(c2o->at("slack").original_value, -91.2);
  EXPECT_DOUBLE_EQ(c2o->at("tns").original_value, -4104);
  EXPECT_DOUBLE_EQ(c2o->at("violating_paths").value, 45);
  const auto* i2c = testing::FindRow(r, "group:I2C");
  ASSERT_NE(i2c, nullptr);
  EXPECT_DOUBLE_EQ(i2c->at("tns").value, -114.117);
  EXPECT_DOUBLE_EQ(i2c->at("violating_paths").value, 512);
  // "default  No paths  0": no slack, TNS 0, no violating path count.
  const auto* def = testing::FindRow(r, "group:default");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->count("slack"), 0u);
  EXPECT_DOUBLE_EQ(def->at("tns").value, 0);
  EXPECT_EQ(def->count("violating_paths"), 0u);
  const auto* clk = testing::FindRow(r, "clock:clk");
  ASSERT_NE(clk, nullptr);
  EXPECT_DOUBLE_EQ(clk->at("period").value, 5.0);
  ExpectCount(r, "combinational_instance_count", 9541);
  ExpectCount(r, "hierarchical_instance_count", 44);
  ExpectQuantity(r, "elapsed_runtime", 167, "s", 1e9, "ns");
  ExpectQuantity(r, "peak_memory", 448.79, "MB", 1.0, "");
}

TEST(GenusQorReal, AnalysisViewRows) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("qor", "05_g2211_hammer_ldo.rpt");
  const auto* clk = testing::FindRow(r, "group:ss_100C_1v60.setup_view/clk");
  ASSERT_NE(clk, nullptr);
  EXPECT_DOUBLE_EQ(clk->at("slack").original_value, 97335.9);
  const auto* def = testing::FindRow(r, "group:ss_100C_1v60.setup_view/default");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->count("slack"), 0u);
  EXPECT_DOUBLE_EQ(def->at("violating_paths").value, 0);
  ASSERT_NE(testing::FindRow(r, "clock:clk"), nullptr);
}

TEST(GenusQorReal, ManyClocksAndFanout) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("qor", "03_g1912_orca.rpt");
  const auto* sys2x = testing::FindRow(r, "clock:SYS_2x_CLK");
  ASSERT_NE(sys2x, nullptr);
  EXPECT_DOUBLE_EQ(sys2x->at("period").original_value, 2400.0);
  const auto* sdram = testing::FindRow(r, "group:SDRAM_CLK");
  ASSERT_NE(sdram, nullptr);
  EXPECT_DOUBLE_EQ(sdram->at("slack").original_value, 652.6);
  ExpectCount(r, "max_fanout", 5213);
  ExpectText(r, "max_fanout_net", "scan_enable");
  ExpectCount(r, "min_fanout", 0);
  ExpectText(r, "min_fanout_net", "sys_rst_n");
  ExpectQuantity(r, "average_fanout", 2.8, "", 1.0, "");
  ExpectQuantity(r, "terms_to_net_ratio", 3.9039, "", 1.0, "");
  ExpectQuantity(r, "terms_to_instance_ratio", 4.8734, "", 1.0, "");
  ExpectCount(r, "physical_instance_count", 0);
}

}  // namespace
}  // namespace labq::genus
