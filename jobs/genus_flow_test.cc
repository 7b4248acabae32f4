#include "jobs/genus_flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "common/file_util.h"
#include "common/metric_names.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "tests/job_runner.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using testing::DpuParams;
using testing::MetricValue;
using testing::RunJobForTest;

/// Points genus_path at the test double in tests/test_doubles (not a real Genus).
nlohmann::json GenusParams(nlohmann::json overrides) {
  nlohmann::json p =
      DpuParams({{"n", 8},
                 {"mode", "full"},
                 {"flow", "genus"},
                 {"genus_path", testing::SourceDir() + "/tests/test_doubles/genus"}});
  if (overrides.is_object()) p.update(overrides);
  return p;
}

TEST(GenusFlow, AutoPeriodRunsTwoPassesAndParsesEveryReport) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth", GenusParams({}), tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  ASSERT_EQ(c.argv.size(), 2u);  // probe pass, then the pass at the critical period
  EXPECT_EQ(c.argv[0][1], "-batch");
  EXPECT_DOUBLE_EQ(MetricValue(c, "clock_period"), 1.234);
  EXPECT_DOUBLE_EQ(MetricValue(c, "slack"), 0);
  EXPECT_DOUBLE_EQ(MetricValue(c, "area"), 5250);
  EXPECT_DOUBLE_EQ(MetricValue(c, "cell_area"), 5000);
  EXPECT_DOUBLE_EQ(MetricValue(c, "power_total"), 1.001e-3);
  EXPECT_NEAR(MetricValue(c, "ops"), 16 / 1.234e-9, 1);
  EXPECT_EQ(c.texts["flow"], "genus");
  EXPECT_EQ(c.texts["genus_version"], "21.18-s082_1");
  EXPECT_EQ(c.texts["period_source"], "auto");
  EXPECT_DOUBLE_EQ(MetricValue(c, "frequency"), 1e9 / 1.234);
  EXPECT_DOUBLE_EQ(MetricValue(c, "fmax"), 1e9 / 1.234);
  // The breakdown: report_qor's instance counts, the category table's power.
  EXPECT_EQ(MetricValue(c, "flop_count"), 12);
  EXPECT_EQ(MetricValue(c, "comb_cell_count"), 400);
  EXPECT_DOUBLE_EQ(MetricValue(c, "power_sequential"), 3.01e-4);
  EXPECT_DOUBLE_EQ(MetricValue(c, "power_combinational"), 7e-4);
  // Every name the DPU table may read is one this flow writes (common/metric_names.h).
  for (const std::string_view name : metric::kSynthWritten) {
    EXPECT_TRUE(std::any_of(c.metrics.begin(), c.metrics.end(), [&](const MetricRecord& m) {
      return m.name == name;
    })) << name;
  }
  const std::string tcl = ReadFile((tmp.path() / "job" / "genus.tcl").string());
  EXPECT_NE(tcl.find("elaborate DotProductUnit_8_full"), std::string::npos);
  EXPECT_NE(tcl.find("read_hdl dpu_8_full.v"), std::string::npos);
  const std::string sdc = ReadFile((tmp.path() / "job" / "constraints.sdc").string());
  EXPECT_NE(sdc.find("create_clock -name clk -period 1.234"), std::string::npos) << sdc;
}

/// Another DPU variant's name reaches genus.tcl and the SDC whole.
TEST(GenusFlow, SignMagnitudeDesignRendersUnderItsOwnName) {
  testing::TempDir tmp;
  auto c = RunJobForTest(
      "synth",
      GenusParams(
          {{"mode", "msb"}, {"b_format", "sign-magnitude"}, {"b_bits", 4}, {"clock_period_ns", 5}}),
      tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  const auto dir = tmp.path() / "job";
  const std::string tcl = ReadFile((dir / "genus.tcl").string());
  EXPECT_NE(tcl.find("elaborate DotProductUnit_8_msb_a8b4_sm"), std::string::npos) << tcl;
  EXPECT_NE(tcl.find("read_hdl dpu_8_msb_a8b4_sm.v"), std::string::npos) << tcl;
  const std::string sdc = ReadFile((dir / "constraints.sdc").string());
  EXPECT_NE(sdc.find("constraints of DotProductUnit_8_msb_a8b4_sm"), std::string::npos) << sdc;
  EXPECT_NE(ReadFile((dir / "dpu_8_msb_a8b4_sm.v").string()).find("b[7] ? -{1'b0, m_0_1}"),
            std::string::npos);
}

/// activity: vectors: the verification's testbench dumps labq_tb.vcd and
/// genus.tcl reads it (read_vcd -static) before report_power; the test
/// double checks the file holds the scope it names.
TEST(GenusFlow, VectorsActivityReadsTheVerificationsVcd) {
  testing::TempDir verify, synth;
  const auto params =
      GenusParams({{"activity", "vectors"}, {"simulator", "iverilog"}, {"clock_period_ns", 2.0}});
  auto sim = RunJobForTest("sim", params, verify.path());
  ASSERT_EQ(sim.state, JobState::kDone) << sim.error;
  const auto vcd = verify.path() / "job" / "labq_tb.vcd";
  ASSERT_TRUE(std::filesystem::exists(vcd));
  EXPECT_TRUE(Contains(ReadFile(vcd.string()), "$scope module dut"));

  auto c = RunJobForTest("synth", params, synth.path(), {{"dpu.verify", verify.path() / "job"}});
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(c.texts["activity"], "vectors");
  EXPECT_TRUE(std::filesystem::exists(synth.path() / "job" / "activity.vcd"));
  const std::string tcl = ReadFile((synth.path() / "job" / "genus.tcl").string());
  const auto read_vcd = tcl.find("read_vcd -static -vcd_scope labq_tb/dut activity.vcd\n");
  ASSERT_NE(read_vcd, std::string::npos) << tcl;
  EXPECT_LT(read_vcd, tcl.find("\nreport_power"));
  const std::string calls = ReadFile((synth.path() / "job" / "genus_tcl_calls.txt").string());
  EXPECT_TRUE(Contains(calls, "read_vcd\t-static\t-vcd_scope\tlabq_tb/dut\tactivity.vcd")) << calls;

  // Without the verification's VCD the job fails saying why, before Genus runs.
  testing::TempDir alone;
  auto missing = RunJobForTest("synth", params, alone.path());
  EXPECT_EQ(missing.state, JobState::kFailed);
  EXPECT_TRUE(Contains(missing.error, "labq_tb.vcd")) << missing.error;
  EXPECT_TRUE(missing.argv.empty());

  // Other activities leave genus.tcl without read_vcd, and verification without a VCD.
  testing::TempDir plain;
  auto sim_plain = RunJobForTest("sim", GenusParams({{"simulator", "iverilog"}}), plain.path());
  ASSERT_EQ(sim_plain.state, JobState::kDone) << sim_plain.error;
  EXPECT_FALSE(std::filesystem::exists(plain.path() / "job" / "labq_tb.vcd"));
}

TEST(GenusFlow, AutoCommonProbesOnceThenSynthesizesOnceAtTheTarget) {
  testing::TempDir tmp;
  auto probe = RunJobForTest("synth_probe", GenusParams({}), tmp.path() / "probe");
  ASSERT_EQ(probe.state, JobState::kDone) << probe.error;
  EXPECT_EQ(probe.argv.size(), 1u);  // the probe pass only
  EXPECT_DOUBLE_EQ(MetricValue(probe, "critical_period"), 1.234);
  nlohmann::json params = GenusParams({});
  params["period_peers"] = {"full"};
  auto c = RunJobForTest("synth", params, tmp.path() / "synth",
                         {{"dpu_8_full.probe", tmp.path() / "probe" / "job"}});
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(c.argv.size(), 1u);  // one pass, at the probes' target
  EXPECT_DOUBLE_EQ(MetricValue(c, "clock_period"), 1.234);
  EXPECT_EQ(c.texts["period_source"], "auto-common");
  EXPECT_EQ(c.texts["period_peers"], "full 1.234 ns");
}

TEST(GenusFlow, FixedPeriodViolationIsKept) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth", GenusParams({{"clock_period_ns", 1.0}}), tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_DOUBLE_EQ(MetricValue(c, "slack"), -0.234);
  EXPECT_EQ(MetricValue(c, "timing_met"), 0);
  EXPECT_EQ(c.texts["period_source"], "fixed");
  EXPECT_NEAR(MetricValue(c, "frequency"), 1e9 / 1.234, 1e-3);  // at the critical path
}

TEST(GenusFlow, MissingGenusFailsAtOnceWithTheFallback) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth", GenusParams({{"genus_path", "/nonexistent/genus"}}), tmp.path());
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_EQ(c.error, "genus not found; set genus_path or use flow: yosys-sta");
}

TEST(GenusFlow, LicenceFailureIsRecognised) {
  testing::TempDir tmp;
  ::setenv("LABQ_FAKE_GENUS_LICENCE", "fail", 1);
  auto c = RunJobForTest("synth", GenusParams({}), tmp.path());
  ::unsetenv("LABQ_FAKE_GENUS_LICENCE");
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_NE(c.error.find("licence"), std::string::npos) << c.error;
}

TEST(GenusFlow, UnsafeHookPathNeverReachesTcl) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth", GenusParams({{"genus_hook", "x.tcl;exec rm"}}), tmp.path());
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_NE(c.error.find("not safe in a TCL script"), std::string::npos) << c.error;
}

}  // namespace
}  // namespace labq

namespace labq {
namespace {

TEST(GenusFlow, GroupCanFallBackToTheOpenFlow) {
  testing::TempDir tmp;
  auto c = testing::RunJobForTest("synth",
                                  testing::DpuParams({{"n", 2},
                                                      {"mode", "full"},
                                                      {"flow", "genus"},
                                                      {"genus_path", "/nonexistent/genus"},
                                                      {"genus_fallback", "yosys-sta"},
                                                      {"clock_period_ns", 5.0}}),
                                  tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_NE(c.texts["flow"].find("genus not found"), std::string::npos);
  EXPECT_GT(testing::MetricValue(c, "area"), 0);
}

// Finding 5: a relative genus_hook was made absolute with the unchecked
// current directory and rendered into `source ...` unescaped. Here the cwd and
// the workdir hold `[exec ...]`, `$`, `;`, braces, quotes and spaces; a real
// TCL interpreter (in the Genus test double) must see one literal path.
TEST(GenusFlow, RelativeHookUnderHostileCwdAndWorkdirIsOneTclWord) {
  if (!FindExecutable("tclsh")) GTEST_SKIP() << "tclsh not installed (scripts/setup)";
  testing::TempDir tmp;
  const std::string hostile = "c w[exec touch PWNED]$x;{y}\"z\"";
  const auto cwd = tmp.path() / hostile;
  std::filesystem::create_directories(cwd);
  WriteFileAtomically(cwd / "hook.tcl", "# user hook\n");
  const auto old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(cwd);
  auto c = RunJobForTest("synth", GenusParams({{"genus_hook", "hook.tcl"}}), tmp.path() / hostile);
  std::filesystem::current_path(old_cwd);
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  const auto job_dir = tmp.path() / hostile / "job";
  const std::string calls = ReadFile((job_dir / "genus_tcl_calls.txt").string());
  // One line per call, arguments tab-separated as TCL passed them.
  EXPECT_TRUE(Contains(calls, "source\t" + (cwd / "hook.tcl").string() + "\n")) << calls;
  EXPECT_TRUE(Contains(calls, "set_db\tlibrary\tliberty.lib\n")) << calls;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tmp.path())) {
    EXPECT_NE(entry.path().filename(), "PWNED") << entry.path();
  }
}

TEST(GenusFlow, MissingHookFailsTheJobNamingIt) {
  testing::TempDir tmp;
  auto c =
      RunJobForTest("synth", GenusParams({{"genus_hook", "/nonexistent/hook.tcl"}}), tmp.path());
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_EQ(c.error, "genus_hook: /nonexistent/hook.tcl is not a file");
}

}  // namespace
}  // namespace labq
