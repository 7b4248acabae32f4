#include "jobs/dpu_kind.h"

#include <gtest/gtest.h>

#include "jobs/cache_key.h"
#include "jobs/kind_registry.h"
#include "sweep/sweep_parser.h"
#include "tests/job_runner.h"

namespace labq {
namespace {

Sweep Parse(const std::string& params) {
  return ParseSweep(BuiltinKinds(),
                    "name: t\ngroups:\n  - name: d\n    kind: dpu\n    params: {n: 4, mode: full" +
                        params + "}\n",
                    "a.yaml");
}

std::string ErrorOf(const std::string& params) {
  try {
    Parse(params);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(DpuActivity, ToggleRateAloneMeansGlobal) {
  const Sweep sweep = Parse(", toggle_rate: 0.2");
  ASSERT_EQ(sweep.jobs.size(), 2u);
  for (const JobSpec& job : sweep.jobs) {
    EXPECT_EQ(job.params["activity"], "global") << job.name;
    EXPECT_EQ(DpuParams::From(job.params).activity, "global");
  }
  EXPECT_EQ(Parse("").jobs[1].params["activity"], "default");
  EXPECT_EQ(Parse(", activity: vectors").jobs[1].params["activity"], "vectors");
  EXPECT_EQ(Parse(", activity: global, toggle_rate: 0.3").jobs[1].params["activity"], "global");
}

TEST(DpuActivity, ContradictionsAreErrorsAtTheActivityKey) {
  EXPECT_EQ(ErrorOf(", activity: default, toggle_rate: 0.2"),
            "a.yaml:5:42: groups[0].params.activity: 'default' contradicts toggle_rate: 0.2 (a "
            "global toggle rate; use activity: global, or drop toggle_rate)");
  EXPECT_EQ(ErrorOf(", activity: vectors, toggle_rate: 0.2"),
            "a.yaml:5:42: groups[0].params.activity: 'vectors' contradicts toggle_rate: 0.2 (a "
            "global toggle rate; use activity: global, or drop toggle_rate)");
  EXPECT_EQ(ErrorOf(", activity: global"),
            "a.yaml:5:42: groups[0].params.activity: 'global' needs a toggle_rate (a number "
            "from 0 to 1)");
  EXPECT_NE(ErrorOf(", activity: sometimes")
                .find("'sometimes' is not one of default, global, "
                      "vectors"),
            std::string::npos);
  // Genus's activity comes from the verification's VCD: a synth group has none.
  const std::string text =
      "name: t\ngroups:\n  - name: s\n    kind: synth\n    params: {n: 4, mode: full, flow: "
      "genus, activity: vectors}\n";
  try {
    ParseSweep(BuiltinKinds(), text, "g.yaml");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("g.yaml:5:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("verify: true"), std::string::npos) << e.what();
  }
}

TEST(DpuActivity, AStoredJobThatContradictsItselfFailsNamingIt) {
  auto params = testing::DpuParams({{"n", 4}, {"mode", "full"}, {"toggle_rate", 0.1}});
  try {
    DpuParams::From(params);
    FAIL() << "accepted";
  } catch (const JobFailed& e) {
    EXPECT_NE(std::string(e.what()).find("activity: 'default' contradicts"), std::string::npos)
        << e.what();
  }
  // Stored before `activity` existed: toggle_rate alone says global.
  params.erase("activity");
  EXPECT_EQ(DpuParams::From(params).activity, "global");
}

/// Verification does not depend on power or synthesis settings, so changing
/// them reuses its result; the synth job's key does change.
TEST(DpuActivity, VerificationCacheKeyIgnoresPowerAndSynthesisSettings) {
  const auto base = testing::DpuParams({{"n", 4}, {"mode", "full"}});
  auto power = base;
  power["activity"] = "global";
  power["toggle_rate"] = 0.3;
  power["clock_period_ns"] = 5;
  power["liberty"] = "nangate45";
  power["input_delay_ns"] = 0.5;
  EXPECT_EQ(CacheKeyFor("sim", base), CacheKeyFor("sim", power));
  EXPECT_NE(CacheKeyFor("synth", base), CacheKeyFor("synth", power));
  auto seed = base;
  seed["seed"] = 7;
  EXPECT_NE(CacheKeyFor("sim", base), CacheKeyFor("sim", seed));
  // Genus with vectors reads the verification's VCD: that verification dumps one.
  auto genus = base;
  genus["flow"] = "genus";
  genus["activity"] = "vectors";
  EXPECT_NE(CacheKeyFor("sim", base), CacheKeyFor("sim", genus));
  EXPECT_FALSE(CacheKeyFor("sim", base).empty());
}

}  // namespace
}  // namespace labq
