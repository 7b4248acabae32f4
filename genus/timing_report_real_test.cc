/// Exact expectations for every real Genus timing report in
/// ../shared/fixtures/real_reports/genus/timing/, read off the reports by eye.

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
using testing::ExpectText;
using testing::ParseRealReport;

struct TimingCase {
  const char* file;
  const char* version;
  const char* status;
  std::optional<double> slack_ps;     ///< absent when UNCONSTRAINED
  std::optional<double> required_ps;  ///< only the boxed format prints it
  double arrival_ps;                  ///< data arrival at the endpoint
  const char* startpoint;
  const char* endpoint;
  const char* group;  ///< "" when the report names no cost group
  int path_count;
};

// clang-format off
const TimingCase kTimingCases[] = {
  // Boxed format; arrival = Launch Clock + Input Delay + Data Path.
  {"01_g1520_asyncfifo_viol.rpt", "15.20-p004_1", "VIOLATED", -376, 980, 1000 + 356,
   "fifom/RAM/clk1", "data_out[0]", "", 10},
  {"02_g1520s010_dsp_c2o_viol.rpt", "15.20-s010_1", "VIOLATED", -91, 300, 391,
   "ALUFF/q_reg[32]/CK", "write_addr_2[0]", "C2O", 1},
  {"04_g1722_coffee_viol_inputdelay.rpt", "17.22-s017_1", "VIOLATED", -524, 842, 700 + 666,
   "btn_start[0]", "timer_reg[9]/D", "clk", 1},
  // Legacy table: arrival from the row marked "<<<".
  {"05_g1722_cpu_tslack_legacy.rpt", "17.22-s017_1", "MET", 6762, std::nullopt, 13135,
   "Pipeline_WB_WBGeneralPipeline_PC_reg[0]/CP", "Pipeline_ID_rdSelector_reg[0]/D", "", 1},
  {"07_g1814_comppulse_c2c.rpt", "18.14-s037_1", "MET", 8623, 9815, 1192,
   "reg_state/q_reg[1]/CK", "reg_state/q_reg[1]/D", "C2C", 1},
  {"08_g1911_fdc_multiclock.rpt", "19.11-s087_1", "MET", 14387, 62424, 31250 + 16786,
   "theta_reg[8]/CP", "Idec1_reg[11]/D", "", 1},
  {"09_g1912_fs_logicalinputs_viol.rpt", "19.12-s121_1", "VIOLATED", -3206, 834,
   3886 - 900 + 1055, "wdata_in[2]", "wdata_reg_2_/D", "INPUTS", 1},
  {"11_g2011_fifo_tslack_legacy.rpt", "20.11-s111_1", "MET", 8616, std::nullopt, 1218,
   "w_en", "fifo_reg[0][7]/S0", "clk", 1},
  {"12_g2110_ldpc_viol.rpt", "21.10-p002_1", "VIOLATED", -1712, 1778, 400 + 3090,
   "msg_in_flat[34]", "gen_reg.lvc_r_reg[33]/D", "clk", 1},
  // Legacy, output port endpoint: no "<<<" row, arrival of the last row.
  {"13_g2114_booth_tslack_legacy.rpt", "21.14-s082_1", "UNCONSTRAINED", std::nullopt,
   std::nullopt, 10257, "a[0]", "c[15]", "", 1},
  {"15_g2118_mult_viol.rpt", "21.18-s082_1", "VIOLATED", -24, 3485, 100 + 300 + 3109,
   "opcode_rb_operand_i[0]", "Stage1_s_reg[14][53]/D", "clk_i", 1},
  {"17_g2217_risc8_final.rpt", "22.17-s071_1", "MET", 79, 4531, 4452,
   "ctrl_state_reg_reg[2]/CK", "ir_out_reg[2]/D", "C2C", 1},
  // Legacy with hierarchical pins printed indented under "core_logic".
  {"18_g2310_addsub_tslack_libdomains.rpt", "23.10-p004_1", "MET", 4756, std::nullopt, 4730,
   "core_logic/AddSubR_reg/CLK", "core_logic/Overflow_reg/D", "clk", 1},
  {"19_g2314_timing_txt.rpt", "23.14-s090_1", "MET", 2369, 9592, 7224,
   "u_ay/value_o_reg[5]/CK", "u_phy/vy_q_reg[30]/D", "clk", 50},
  {"20_g2511_systolic.rpt", "25.11-s095_1", "MET", 285, 952, 667,
   "u_systolic_array_top/state_reg[2]/CK", "u_systolic_array_top/buffer_counters_reg[62][5]/D",
   "clk", 1},
};
// clang-format on

TEST(GenusTimingReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  std::set<std::string> expected;
  for (const auto& c : kTimingCases) expected.insert(c.file);
  EXPECT_EQ(testing::RealReportNames("timing"), expected)
      << "a real timing report was added or removed: add its expectations here";
}

TEST(GenusTimingReal, WorstPathOfEachReport) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kTimingCases) {
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("timing", c.file);
    EXPECT_EQ(r.tool, "genus");
    EXPECT_EQ(r.kind, "timing");
    ExpectText(r, "version", c.version);
    ExpectText(r, "status", c.status);
    if (c.slack_ps) {
      ExpectPs(r, "slack", *c.slack_ps);
    } else {
      EXPECT_FALSE(r.Has("slack"));
    }
    if (c.required_ps) {
      ExpectPs(r, "required", *c.required_ps);
    } else {
      EXPECT_FALSE(r.Has("required"));
    }
    ExpectPs(r, "arrival", c.arrival_ps);
    ExpectText(r, "startpoint", c.startpoint);
    ExpectText(r, "endpoint", c.endpoint);
    ExpectText(r, "group", c.group);
    ExpectCount(r, "path_count", c.path_count);
    EXPECT_EQ(r.rows.size(), static_cast<std::size_t>(c.path_count));
  }
}

/// Slack = Required - Arrival holds in every boxed report, to the 1 ps the
/// report rounds to.
TEST(GenusTimingReal, SlackIsRequiredMinusArrival) {
  LABQ_REQUIRE_REAL_REPORTS();
  for (const auto& c : kTimingCases) {
    if (!c.required_ps) continue;
    SCOPED_TRACE(c.file);
    ParsedReport r = ParseRealReport("timing", c.file);
    EXPECT_NEAR(r.Get("required") - r.Get("arrival"), r.Get("slack"), 1.0e-3 + 1e-12);
  }
}

TEST(GenusTimingReal, BoxedDetailsOfInputDelayPath) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("timing", "09_g1912_fs_logicalinputs_viol.rpt");
  ExpectPs(r, "capture_edge", 900);
  ExpectPs(r, "launch_edge", 0);
  ExpectPs(r, "setup", 76);
  ExpectPs(r, "uncertainty", 90);
  ExpectPs(r, "launch_clock_arrival", 3886);
  ExpectPs(r, "input_delay", -900);
  ExpectPs(r, "data_path", 1055);
  ExpectText(r, "launch_clock", "wclk2x");
  ExpectText(r, "capture_clock", "wclk2x");
  ExpectText(r, "check", "Setup Check with Pin wdata_reg_2_/CLK->D");
}

TEST(GenusTimingReal, MultiClockPathNamesBothClocks) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("timing", "08_g1911_fdc_multiclock.rpt");
  ExpectText(r, "launch_clock", "CLKFS");
  ExpectText(r, "capture_clock", "CLKD1");
  ExpectPs(r, "capture_edge", 62500);
  ExpectPs(r, "launch_edge", 31250);
}

TEST(GenusTimingReal, OutputDelayAndPathDelay) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport fifo = ParseRealReport("timing", "01_g1520_asyncfifo_viol.rpt");
  ExpectPs(fifo, "output_delay", 1000);
  ExpectPs(fifo, "uncertainty", 20);
  ParsedReport dsp = ParseRealReport("timing", "02_g1520s010_dsp_c2o_viol.rpt");
  ExpectPs(dsp, "path_delay", 600);
  ExpectPs(dsp, "output_delay", 100);
  EXPECT_FALSE(dsp.Has("capture_edge"));
}

TEST(GenusTimingReal, LegacyClockEdgesAndUncertainty) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport cpu = ParseRealReport("timing", "05_g1722_cpu_tslack_legacy.rpt");
  ExpectPs(cpu, "launch_edge", 0);
  ExpectPs(cpu, "capture_edge", 20000);
  ExpectText(cpu, "launch_clock", "clk");
  ParsedReport addsub = ParseRealReport("timing", "18_g2310_addsub_tslack_libdomains.rpt");
  ExpectPs(addsub, "uncertainty", 300);
  ExpectPs(addsub, "capture_edge", 10000);
  ExpectText(addsub, "library_domains", "slow; fast; typ");
}

/// The legacy table's input delay and setup rows have keys of their own; the
/// arrival stays the "<<<" row (13135, 1218 ps), which holds the input delay
/// as the boxed format's arrival does.
TEST(GenusTimingReal, LegacyDelaysAndSetupBesideTheArrival) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport cpu = ParseRealReport("timing", "05_g1722_cpu_tslack_legacy.rpt");
  ExpectPs(cpu, "setup", 102);
  ExpectPs(cpu, "arrival", 13135);
  EXPECT_FALSE(cpu.Has("input_delay"));
  ParsedReport fifo = ParseRealReport("timing", "11_g2011_fifo_tslack_legacy.rpt");
  ExpectPs(fifo, "input_delay", 1000);
  ExpectPs(fifo, "setup", 167);
  ExpectPs(fifo, "arrival", 1218);
  EXPECT_FALSE(fifo.Has("output_delay"));
  ParsedReport booth = ParseRealReport("timing", "13_g2114_booth_tslack_legacy.rpt");
  EXPECT_FALSE(booth.Has("setup"));
  EXPECT_FALSE(booth.Has("output_delay"));
}

TEST(GenusTimingReal, EveryPathIsARow) {
  LABQ_REQUIRE_REAL_REPORTS();
  ParsedReport r = ParseRealReport("timing", "19_g2314_timing_txt.rpt");
  ASSERT_EQ(r.rows.size(), 50u);
  EXPECT_EQ(r.rows[1].first, "u_phy/vx_q_reg[30]/D");
  const auto& last = r.rows.back();
  EXPECT_EQ(last.first, "u_phy/px_q_reg[27]/D");
  EXPECT_NEAR(last.second.at("slack").value, 3.016, 1e-12);
  EXPECT_NEAR(last.second.at("required").value, 9.659, 1e-12);
  EXPECT_NEAR(last.second.at("arrival").value, 6.642, 1e-12);
}

TEST(GenusTimingReal, CrlfReportParsesLikeLf) {
  LABQ_REQUIRE_REAL_REPORTS();
  // 05_g1722_cpu_tslack_legacy.rpt is stored with CRLF line endings.
  std::string crlf = ReadFile(testing::RealReportPath("timing", "05_g1722_cpu_tslack_legacy.rpt"));
  ASSERT_NE(crlf.find("\r\n"), std::string::npos);
  std::string lf;
  for (char c : crlf) {
    if (c != '\r') lf += c;
  }
  ParsedReport a = ParseGenusReport("timing", crlf, "crlf.rpt");
  ParsedReport b = ParseGenusReport("timing", lf, "lf.rpt");
  EXPECT_EQ(a.texts, b.texts);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (const auto& [name, q] : a.values) EXPECT_EQ(q.value, b.values.at(name).value) << name;
}

}  // namespace
}  // namespace labq::genus
