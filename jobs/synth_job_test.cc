#include "jobs/synth_job.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "common/metric_names.h"
#include "common/text.h"
#include "jobs/liberty.h"
#include "tests/job_runner.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using testing::DpuParams;
using testing::MetricValue;
using testing::RunJobForTest;

TEST(SynthJob, AutoPeriodLandsOnTheCriticalPath) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth", DpuParams({{"n", 4}, {"mode", "msb"}}), tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  const double period = MetricValue(c, "clock_period");
  const double slack = MetricValue(c, "slack");
  EXPECT_GT(period, 0.5);
  EXPECT_GE(slack, 0);
  EXPECT_LT(slack, 0.002);  // rounded up to a whole picosecond
  EXPECT_GT(MetricValue(c, "area"), 0);
  EXPECT_GT(MetricValue(c, "cell_count"), 10);
  const double power = MetricValue(c, "power_total");
  EXPECT_GT(power, 0);
  EXPECT_NEAR(power,
              MetricValue(c, "power_internal") + MetricValue(c, "power_switching") +
                  MetricValue(c, "power_leakage"),
              power * 1e-3);
  const double ops = MetricValue(c, "ops");
  EXPECT_NEAR(ops, 2 * 4 * 1e9 / period, ops * 1e-9);
  EXPECT_NEAR(MetricValue(c, "ops_per_w"), ops / power, ops / power * 1e-9);
  EXPECT_NEAR(MetricValue(c, "ops_per_mm2"), ops / (MetricValue(c, "area") * 1e-6),
              MetricValue(c, "ops_per_mm2") * 1e-9);
  // Every name the DPU table may read is one this flow writes (common/metric_names.h).
  for (const std::string_view name : metric::kSynthWritten) {
    EXPECT_TRUE(std::any_of(c.metrics.begin(), c.metrics.end(), [&](const MetricRecord& m) {
      return m.name == name;
    })) << name;
  }
  EXPECT_EQ(c.texts["liberty"], "osu018");
  EXPECT_EQ(c.texts["period_source"], "auto");  // on its own: its own critical period
  // The breakdown: the msb output keeps 8 flops; the rest is logic, and
  // OpenSTA's Sequential and Combinational groups hold all the power.
  EXPECT_EQ(MetricValue(c, "flop_count"), 8);
  EXPECT_EQ(MetricValue(c, "comb_cell_count"), MetricValue(c, "cell_count") - 8);
  EXPECT_GT(MetricValue(c, "power_sequential"), 0);
  EXPECT_NEAR(MetricValue(c, "power_sequential") + MetricValue(c, "power_combinational"), power,
              power * 1e-4);
  EXPECT_DOUBLE_EQ(MetricValue(c, "frequency"), 1e9 / period);
  EXPECT_NEAR(MetricValue(c, "fmax"), 1e9 / (period - slack), 1);
  for (const char* file : {"synth.ys", "abc.script", "sta.tcl", "stat.rpt", "netlist.v",
                           "sta_checks.rpt", "sta_power.rpt", "sta_cells.rpt", "command.sh"}) {
    EXPECT_TRUE(std::filesystem::exists(tmp.path() / "job" / file)) << file;
  }
}

TEST(SynthJob, TightFixedPeriodIsReportedAsViolated) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth", DpuParams({{"n", 4}, {"mode", "full"}, {"clock_period_ns", 0.2}}),
                         tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_DOUBLE_EQ(MetricValue(c, "clock_period"), 0.2);
  EXPECT_LT(MetricValue(c, "slack"), 0);
  EXPECT_EQ(MetricValue(c, "timing_met"), 0);
  // f comes from the critical path, not the requested clock.
  EXPECT_NEAR(MetricValue(c, "fmax"), 1e9 / (0.2 - MetricValue(c, "slack")), 1);
  EXPECT_DOUBLE_EQ(MetricValue(c, "frequency"), MetricValue(c, "fmax"));
  EXPECT_EQ(c.texts["period_source"], "fixed");
}

/// The lab's rule on real tools: one fixed period (lab_clock_ns); the OPS
/// count at it when slack >= 0 and at the critical period, flagged, when not.
TEST(SynthJob, LabClockCountsOpsAtItsPeriodWhenMetElseAtTheCriticalPath) {
  testing::TempDir met_dir, violated_dir;
  auto met = RunJobForTest(
      "synth",
      DpuParams({{"n", 4}, {"mode", "full"}, {"clock_period_ns", "lab"}, {"lab_clock_ns", 10}}),
      met_dir.path());
  ASSERT_EQ(met.state, JobState::kDone) << met.error;
  EXPECT_EQ(met.texts["period_source"], "lab");
  EXPECT_DOUBLE_EQ(MetricValue(met, "clock_period"), 10);
  const double slack = MetricValue(met, "slack");
  EXPECT_GT(slack, 0);
  EXPECT_EQ(MetricValue(met, "timing_met"), 1);
  EXPECT_DOUBLE_EQ(MetricValue(met, "frequency"), 1e8);
  EXPECT_NEAR(MetricValue(met, "fmax"), 1e9 / (10 - slack), 1);
  EXPECT_GT(MetricValue(met, "fmax"), 1.5e8);  // the path allows more; the OPS do not take it
  EXPECT_NEAR(MetricValue(met, "ops"), 2 * 4 * 1e8, 1e-3);
  EXPECT_EQ(MetricValue(met, "flop_count"), 18);  // full: 2*8 + log2(4) output bits
  // Synthesized toward the lab's clock, not ABC's own target.
  EXPECT_TRUE(Contains(ReadFile((met_dir.path() / "job" / "abc.script").string()), "-D 10000"));

  auto violated = RunJobForTest(
      "synth",
      DpuParams({{"n", 4}, {"mode", "full"}, {"clock_period_ns", "lab"}, {"lab_clock_ns", 0.2}}),
      violated_dir.path());
  ASSERT_EQ(violated.state, JobState::kDone) << violated.error;
  const double bad_slack = MetricValue(violated, "slack");
  EXPECT_LT(bad_slack, 0);
  EXPECT_EQ(MetricValue(violated, "timing_met"), 0);
  const double critical_hz = 1e9 / (0.2 - bad_slack);
  EXPECT_NEAR(MetricValue(violated, "frequency"), critical_hz, 1);
  EXPECT_NEAR(MetricValue(violated, "fmax"), critical_hz, 1);
  EXPECT_NEAR(MetricValue(violated, "ops"), 8 * critical_hz, 8);
}

TEST(SynthJob, ToggleRateRaisesDynamicPower) {
  testing::TempDir tmp_low, tmp_high;
  auto low = RunJobForTest(
      "synth",
      DpuParams({{"n", 2}, {"mode", "full"}, {"clock_period_ns", 5.0}, {"toggle_rate", 0.05}}),
      tmp_low.path());
  auto high = RunJobForTest(
      "synth",
      DpuParams({{"n", 2}, {"mode", "full"}, {"clock_period_ns", 5.0}, {"toggle_rate", 0.5}}),
      tmp_high.path());
  ASSERT_EQ(low.state, JobState::kDone) << low.error;
  ASSERT_EQ(high.state, JobState::kDone) << high.error;
  EXPECT_GT(MetricValue(high, "power_switching"), 2 * MetricValue(low, "power_switching"));
  EXPECT_NE(high.texts["power_activity"].find("0.5"), std::string::npos);
}

TEST(SynthJob, MissingLibertySaysWhereItLooked) {
  testing::TempDir tmp;
  auto c = RunJobForTest("synth",
                         DpuParams({{"n", 2}, {"mode", "full"}, {"liberty", "/nonexistent/x.lib"}}),
                         tmp.path());
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_NE(c.error.find("/nonexistent/x.lib"), std::string::npos) << c.error;
}

}  // namespace
}  // namespace labq

namespace labq {
namespace {

/// nangate45 and sky130 come from $LABQ_PDK_DIR (default ../shared/pdk, our machines only).
TEST(SynthJob, NamedPdkLibertiesWhenPresent) {
  if (!std::filesystem::exists(ResolveLiberty("sky130")) ||
      !std::filesystem::exists(ResolveLiberty("nangate45"))) {
    GTEST_SKIP() << "nangate45/sky130 liberties not found (set LABQ_PDK_DIR)";
  }
  for (const char* liberty : {"nangate45", "sky130"}) {
    SCOPED_TRACE(liberty);
    testing::TempDir tmp;
    auto c = testing::RunJobForTest(
        "synth", testing::DpuParams({{"n", 2}, {"mode", "full"}, {"liberty", liberty}}),
        tmp.path());
    ASSERT_EQ(c.state, JobState::kDone) << c.error;
    EXPECT_EQ(c.texts["liberty"], liberty);
    EXPECT_GT(testing::MetricValue(c, "area"), 0);
    // Sky130's power-gating cells are marked dont_use when staged.
    const std::string netlist = ReadFile((tmp.path() / "job" / "netlist.v").string());
    EXPECT_EQ(netlist.find("lpflow"), std::string::npos);
  }
}

// Finding 5: `--workdir '/tmp/x/wb[{*}exec\x20touch\x20/tmp/x/pwned]'` ran the
// command through synth.ys/sta.tcl, and a space in the workdir crashed yosys.
// Now the workdir and the liberty folder hold every character TCL and Yosys
// treat specially, and real Yosys + OpenSTA run the job to the end.
TEST(SynthJob, HostileWorkdirAndLibertyFolderNeverReachTheScripts) {
  testing::TempDir tmp;
  const std::string hostile = "w b[exec touch PWNED]$HOME;{x}\"q\"";
  const auto workdir = tmp.path() / hostile;
  const auto pdk = tmp.path() / ("pdk " + hostile);
  std::filesystem::create_directories(pdk);
  // gzread reads a plain file as is: osu018 stands in for nangate45 here.
  std::filesystem::copy_file(ResolveLiberty("osu018"), pdk / "nangate45_typ.lib.gz");
  const char* old_pdk = std::getenv("LABQ_PDK_DIR");
  const std::string saved = old_pdk ? old_pdk : "";
  ::setenv("LABQ_PDK_DIR", pdk.c_str(), 1);
  auto c = RunJobForTest("synth", DpuParams({{"n", 2}, {"mode", "full"}, {"liberty", "nangate45"}}),
                         workdir);
  if (old_pdk) {
    ::setenv("LABQ_PDK_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("LABQ_PDK_DIR");
  }
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_GT(MetricValue(c, "area"), 0);
  EXPECT_GT(MetricValue(c, "power_total"), 0);
  for (const char* script : {"synth.ys", "sta.tcl", "sta_probe.tcl"}) {
    const std::string text = ReadFile((workdir / "job" / script).string());
    EXPECT_FALSE(Contains(text, "PWNED")) << script << ":\n" << text;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(tmp.path())) {
    EXPECT_NE(entry.path().filename(), "PWNED") << entry.path();
  }
  EXPECT_FALSE(std::filesystem::exists("PWNED"));
}

}  // namespace
}  // namespace labq
