#include "jobs/period_probe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/kind_registry.h"
#include "sweep/sweep_parser.h"
#include "tests/job_runner.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using testing::DpuParams;
using testing::MetricValue;
using testing::RunJobForTest;

const JobSpec& Job(const Sweep& sweep, const std::string& name) {
  for (const auto& job : sweep.jobs) {
    if (job.name == name) return job;
  }
  throw Error("no job " + name);
}

bool DependsOn(const JobSpec& job, const std::string& name) {
  return std::find(job.depends_on.begin(), job.depends_on.end(), name) != job.depends_on.end();
}

TEST(AutoCommon, ModesOfOneConfigurationWaitForEachOthersProbes) {
  const Sweep sweep = ParseSweep(BuiltinKinds(), R"(name: ac
groups:
  - name: g
    kind: dpu
    grid:
      n: [4, 8]
      mode: [full, msb, lsb]
      toggle_rate: [0.1, 0.2]
)",
                                 "ac.yaml");
  std::vector<const JobSpec*> probes, synths;
  for (const auto& job : sweep.jobs) {
    if (job.kind == "synth_probe") probes.push_back(&job);
    if (job.kind == "synth") synths.push_back(&job);
  }
  // One probe per (n, mode): the toggle rate changes no netlist, so both
  // rates share it.
  ASSERT_EQ(probes.size(), 6u);
  ASSERT_EQ(synths.size(), 12u);
  std::set<std::pair<int, std::string>> probed;
  for (const JobSpec* probe : probes) {
    EXPECT_EQ(probe->params["toggle_rate"], "default") << probe->name;
    EXPECT_EQ(probe->params["clock_period_ns"], "auto");
    EXPECT_FALSE(probe->params.contains(kPeriodPeersKey));
    EXPECT_TRUE(probe->depends_on.empty());  // no need to wait for verification
    probed.insert({probe->params["n"].get<int>(), probe->params["mode"].get<std::string>()});
  }
  EXPECT_EQ(probed.size(), 6u);
  for (const JobSpec* synth : synths) {
    SCOPED_TRACE(synth->name);
    EXPECT_EQ(synth->params[kPeriodPeersKey], nlohmann::json({"full", "lsb", "msb"}));
    ASSERT_EQ(synth->depends_on.size(), 4u);  // its verify job and the three probes of its N
    EXPECT_EQ(Job(sweep, synth->depends_on[0]).kind, "sim");
    for (size_t k = 1; k < 4; ++k) {
      const JobSpec& probe = Job(sweep, synth->depends_on[k]);
      EXPECT_EQ(probe.kind, "synth_probe");
      EXPECT_EQ(probe.params["n"], synth->params["n"]);
    }
  }
  const JobSpec& lsb = Job(sweep, "g_8_lsb_0.2.synth");
  EXPECT_TRUE(DependsOn(lsb, "g_8_full_0.1.probe"));
  EXPECT_TRUE(DependsOn(lsb, "g_8_msb_0.1.probe"));
  EXPECT_TRUE(DependsOn(lsb, "g_8_lsb_0.1.probe"));
  // The first configuration's synth job learnt of the later ones' probes.
  EXPECT_TRUE(DependsOn(Job(sweep, "g_4_full_0.1.synth"), "g_4_lsb_0.1.probe"));
}

TEST(AutoCommon, AloneLabAndFixedClocksAddNoProbes) {
  const Sweep sweep = ParseSweep(BuiltinKinds(), R"(name: one
groups:
  - name: alone
    kind: synth
    grid: {n: [4, 8], mode: [full]}
  - name: lab
    kind: dpu
    params: {clock_period_ns: lab, lab_clock_ns: 12.5}
    grid: {n: [4], mode: [full, msb]}
  - name: fixed
    kind: synth
    params: {clock_period_ns: 3}
    grid: {n: [4], mode: [full, msb]}
)",
                                 "one.yaml");
  ASSERT_EQ(sweep.jobs.size(), 2u + 4u + 2u);
  for (const auto& job : sweep.jobs) {
    EXPECT_NE(job.kind, "synth_probe") << job.name;
    EXPECT_FALSE(job.params.contains(kPeriodPeersKey)) << job.name;
  }
  const labq::DpuParams lab = labq::DpuParams::From(Job(sweep, "lab_4_msb.synth").params);
  EXPECT_EQ(lab.clock_source, ClockSource::kLab);
  EXPECT_EQ(lab.clock_period_ns, 12.5);
  EXPECT_EQ(labq::DpuParams::From(Job(sweep, "alone_4_full.synth").params).clock_source,
            ClockSource::kAuto);
  EXPECT_EQ(labq::DpuParams::From(Job(sweep, "fixed_4_msb.synth").params).clock_source,
            ClockSource::kFixed);
}

/// A probe's result file in `dir`, as SynthProbeJob leaves it.
std::filesystem::path FakeProbe(const std::filesystem::path& dir, const std::string& text) {
  std::filesystem::create_directories(dir);
  WriteFileAtomically(dir / kProbeResultFile, text);
  return dir;
}

TEST(AutoCommon, TheSlowestPeerSetsTheTargetAndAMissingPeerIsNamed) {
  testing::TempDir tmp;
  nlohmann::json p = DpuParams({{"n", 8}, {"mode", "msb"}});
  p[kPeriodPeersKey] = {"full", "lsb", "msb"};
  std::map<std::string, std::filesystem::path> deps = {
      {"v", tmp.path() / "verify"},  // no probe result: not a probe
      {"a", FakeProbe(tmp.path() / "a", R"({"mode": "full", "critical_period_ns": 4.66})")},
      {"b", FakeProbe(tmp.path() / "b", R"({"mode": "lsb", "critical_period_ns": 4.748})")},
      {"c", FakeProbe(tmp.path() / "c", R"({"mode": "msb", "critical_period_ns": 4.518})")}};
  labq::DpuParams params = labq::DpuParams::From(p);
  EXPECT_EQ(params.clock_source, ClockSource::kAutoCommon);
  EXPECT_EQ(ResolveCommonClock(params, deps), "full 4.66 ns, lsb 4.748 ns, msb 4.518 ns");
  EXPECT_EQ(params.clock_period_ns, 4.748);

  deps.erase("b");
  labq::DpuParams missing = labq::DpuParams::From(p);
  try {
    ResolveCommonClock(missing, deps);
    ADD_FAILURE() << "no error";
  } catch (const JobFailed& e) {
    EXPECT_STREQ(e.what(),
                 "auto-common: no probe result (critical_period.json) for mode 'lsb' among this "
                 "job's dependencies");
  }
  deps["b"] = FakeProbe(tmp.path() / "b", R"({"mode": "lsb", "critical_period_ns": -1})");
  EXPECT_THROW(ResolveCommonClock(missing, deps), JobFailed);

  labq::DpuParams fixed =
      labq::DpuParams::From(DpuParams({{"n", 8}, {"mode", "msb"}, {"clock_period_ns", 3}}));
  EXPECT_EQ(ResolveCommonClock(fixed, deps), "");
  EXPECT_EQ(fixed.clock_period_ns, 3);
}

/// Real Yosys and OpenSTA: two probes, then a synth job at their common target.
TEST(AutoCommon, ProbesThenOneTargetForBothModes) {
  testing::TempDir tmp;
  std::map<std::string, std::filesystem::path> deps;
  std::map<std::string, double> critical;
  for (const char* mode : {"full", "msb"}) {
    auto c = RunJobForTest("synth_probe", DpuParams({{"n", 4}, {"mode", mode}}), tmp.path() / mode);
    ASSERT_EQ(c.state, JobState::kDone) << c.error;
    critical[mode] = MetricValue(c, "critical_period");
    EXPECT_GT(critical[mode], 0.3);
    deps[std::string(mode) + ".probe"] = tmp.path() / mode / "job";
    // ABC's own target: no -D in the probe's script.
    EXPECT_FALSE(Contains(ReadFile((tmp.path() / mode / "job" / "abc.script").string()), "-D"));
  }
  nlohmann::json params = DpuParams({{"n", 4}, {"mode", "msb"}});
  params[kPeriodPeersKey] = {"full", "msb"};
  auto c = RunJobForTest("synth", params, tmp.path() / "synth", deps);
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  const double target = std::max(critical["full"], critical["msb"]);
  EXPECT_DOUBLE_EQ(MetricValue(c, "clock_period"), target);
  EXPECT_EQ(c.texts["period_source"], "auto-common");
  EXPECT_TRUE(Contains(c.texts["period_peers"], "full ")) << c.texts["period_peers"];
  const std::string abc = ReadFile((tmp.path() / "synth" / "job" / "abc.script").string());
  EXPECT_TRUE(Contains(abc, "map -D " + std::to_string(std::lround(target * 1000)))) << abc;
  const double slack = MetricValue(c, "slack");
  const double f = slack >= 0 ? 1e9 / target : 1e9 / (target - slack);
  EXPECT_NEAR(MetricValue(c, "frequency"), f, f * 1e-9);
  EXPECT_NEAR(MetricValue(c, "fmax"), 1e9 / (target - slack), 1);
}

}  // namespace
}  // namespace labq
