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
  auto low = RunJobForTest("synth",
                           DpuParams({{"n", 2},
                                      {"mode", "full"},
                                      {"clock_period_ns", 5.0},
                                      {"activity", "global"},
                                      {"toggle_rate", 0.05}}),
                           tmp_low.path());
  auto high = RunJobForTest("synth",
                            DpuParams({{"n", 2},
                                       {"mode", "full"},
                                       {"clock_period_ns", 5.0},
                                       {"activity", "global"},
                                       {"toggle_rate", 0.5}}),
                            tmp_high.path());
  ASSERT_EQ(low.state, JobState::kDone) << low.error;
  ASSERT_EQ(high.state, JobState::kDone) << high.error;
  EXPECT_GT(MetricValue(high, "power_switching"), 2 * MetricValue(low, "power_switching"));
  EXPECT_NE(high.texts["power_activity"].find("0.5"), std::string::npos);
}

/// Step-level reuse (jobs/step_store.h): jobs sharing a work root reuse
/// each step whose own inputs are unchanged.
TEST(SynthJob, APowerOnlyChangeRerunsOnlyThePowerStep) {
  testing::TempDir tmp;
  auto params = DpuParams({{"n", 2}, {"mode", "full"}, {"clock_period_ns", 5.0}});
  auto first = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(first.state, JobState::kDone) << first.error;
  EXPECT_EQ(first.texts["steps_run"], "yosys, timing, power");
  EXPECT_EQ(first.texts["steps_reused"], "none");
  EXPECT_EQ(first.texts["activity"], "default");
  const std::string netlist = ReadFile((tmp.path() / "job" / "netlist.v").string());

  params["activity"] = "global";
  params["toggle_rate"] = 0.5;
  auto global = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(global.state, JobState::kDone) << global.error;
  EXPECT_EQ(global.texts["steps_run"], "power");
  EXPECT_EQ(global.texts["steps_reused"], "yosys, timing");
  EXPECT_EQ(global.texts["activity"], "global");
  // Only Yosys's files came from the store: OpenSTA ran once, for power alone.
  ASSERT_EQ(global.argv.size(), 1u);
  EXPECT_EQ(global.argv[0][0], "sta");
  const std::string sta_tcl = ReadFile((tmp.path() / "job" / "sta.tcl").string());
  EXPECT_TRUE(Contains(sta_tcl, "report_power"));
  EXPECT_FALSE(Contains(sta_tcl, "report_checks"));
  EXPECT_EQ(ReadFile((tmp.path() / "job" / "netlist.v").string()), netlist);
  EXPECT_DOUBLE_EQ(MetricValue(global, "area"), MetricValue(first, "area"));
  EXPECT_DOUBLE_EQ(MetricValue(global, "slack"), MetricValue(first, "slack"));
  EXPECT_NE(MetricValue(global, "power_switching"), MetricValue(first, "power_switching"));

  // The input delay changes timing and power, not the netlist.
  params["input_delay_ns"] = 0.5;
  auto delayed = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(delayed.state, JobState::kDone) << delayed.error;
  EXPECT_EQ(delayed.texts["steps_run"], "timing, power");
  EXPECT_EQ(delayed.texts["steps_reused"], "yosys");
  EXPECT_NE(MetricValue(delayed, "slack"), MetricValue(first, "slack"));

  // Everything the same: nothing runs, the result is the first one's.
  params["activity"] = "default";
  params["toggle_rate"] = "default";
  params["input_delay_ns"] = 0;
  auto again = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(again.state, JobState::kDone) << again.error;
  EXPECT_EQ(again.texts["steps_run"], "none");
  EXPECT_EQ(again.texts["steps_reused"], "yosys, timing, power");
  EXPECT_TRUE(again.argv.empty());
  EXPECT_DOUBLE_EQ(MetricValue(again, "power_total"), MetricValue(first, "power_total"));
}

TEST(SynthJob, AutoPeriodReusesTheProbeToo) {
  testing::TempDir tmp;
  auto params = DpuParams({{"n", 2}, {"mode", "lsb"}});
  auto first = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(first.state, JobState::kDone) << first.error;
  EXPECT_EQ(first.texts["steps_run"], "yosys, sta_probe, timing, power");
  params["activity"] = "global";
  params["toggle_rate"] = 0.3;
  auto second = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(second.state, JobState::kDone) << second.error;
  EXPECT_EQ(second.texts["steps_run"], "power");
  EXPECT_EQ(second.texts["steps_reused"], "yosys, sta_probe, timing");
  EXPECT_DOUBLE_EQ(MetricValue(second, "clock_period"), MetricValue(first, "clock_period"));
  // A different delay target is a different netlist: Yosys runs again.
  params["clock_period_ns"] = 4.0;
  auto third = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(third.state, JobState::kDone) << third.error;
  EXPECT_EQ(third.texts["steps_run"], "yosys, timing, power");
}

/// activity: vectors: Yosys's cell models, the gate-level simulation and
/// labq's calculator, each a step; a workload-only change reruns the
/// simulation and power, not Yosys or timing.
TEST(SynthJob, VectorsActivityPowerFromTheSimulatedNetlist) {
  testing::TempDir tmp;
  auto params = DpuParams({{"n", 4},
                           {"mode", "full"},
                           {"clock_period_ns", 5.0},
                           {"activity", "vectors"},
                           {"power_vectors", 300}});
  auto c = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(c.texts["activity"], "vectors");
  EXPECT_EQ(c.texts["steps_run"], "yosys, timing, cells, activity, power");
  const double total = MetricValue(c, "power_total");
  EXPECT_GT(total, 0);
  EXPECT_NEAR(total,
              MetricValue(c, "power_internal") + MetricValue(c, "power_switching") +
                  MetricValue(c, "power_leakage"),
              total * 1e-6);
  EXPECT_NEAR(total, MetricValue(c, "power_sequential") + MetricValue(c, "power_combinational"),
              total * 1e-6);
  EXPECT_GT(MetricValue(c, "flop_count"), 0);
  EXPECT_GT(MetricValue(c, "comb_cell_count"), 0);
  const double cycles = MetricValue(c, "activity_cycles");
  EXPECT_GT(cycles, 250);
  EXPECT_LE(cycles, 300);
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "job" / "activity.tsv"));
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "job" / "power.json"));

  params["power_vectors"] = 400;
  auto more = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(more.state, JobState::kDone) << more.error;
  EXPECT_EQ(more.texts["steps_run"], "activity, power");
  EXPECT_EQ(more.texts["steps_reused"], "yosys, timing, cells");
  EXPECT_GT(MetricValue(more, "activity_cycles"), cycles);

  // The OpenSTA power of the same netlist: only the OpenSTA power step runs.
  params["activity"] = "default";
  auto sta = RunJobForTest("synth", params, tmp.path());
  ASSERT_EQ(sta.state, JobState::kDone) << sta.error;
  EXPECT_EQ(sta.texts["steps_run"], "power");
  EXPECT_EQ(sta.texts["activity"], "default");
}

/// The sign-magnitude DPU on the open flow at the lab's clock: Yosys maps
/// it, OpenSTA times it, lsb registers its 8 bits; and the vectors activity
/// drives its 4-bit weight port (N·b_bits bits) apart from a's.
TEST(SynthJob, SignMagnitudeDpuSynthesizesOnTheOpenFlow) {
  testing::TempDir tmp;
  auto c = RunJobForTest(
      "synth",
      DpuParams(
          {{"n", 8}, {"mode", "lsb"}, {"b_format", "sign-magnitude"}, {"clock_period_ns", "lab"}}),
      tmp.path() / "lab");
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(MetricValue(c, "timing_met"), 1);
  EXPECT_EQ(MetricValue(c, "flop_count"), 8);
  EXPECT_GT(MetricValue(c, "area"), 0);
  EXPECT_GT(MetricValue(c, "power_total"), 0);
  EXPECT_TRUE(Contains(ReadFile((tmp.path() / "lab" / "job" / "synth.ys").string()),
                       "DotProductUnit_8_lsb_sm"));

  auto v = RunJobForTest("synth",
                         DpuParams({{"n", 4},
                                    {"mode", "msb"},
                                    {"b_format", "sign-magnitude"},
                                    {"b_bits", 4},
                                    {"clock_period_ns", 5.0},
                                    {"activity", "vectors"},
                                    {"power_vectors", 200}}),
                         tmp.path() / "vectors");
  ASSERT_EQ(v.state, JobState::kDone) << v.error;
  EXPECT_EQ(v.texts["activity"], "vectors");
  EXPECT_GT(MetricValue(v, "power_total"), 0);
  EXPECT_GT(MetricValue(v, "activity_cycles"), 150);
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
