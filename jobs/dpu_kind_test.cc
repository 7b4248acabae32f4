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

using nlohmann::json;

Sweep ParseDpu(const std::string& params) {
  return ParseSweep(
      BuiltinKinds(),
      "name: t\ngroups:\n  - name: d\n    kind: dpu\n    params: {n: 4, " + params + "}\n",
      "w.yaml");
}

std::string DpuErrorOf(const std::string& params) {
  try {
    ParseDpu(params);
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(DpuWidths, InputBitsSetsBothAndAStoredLabJobCarriesNoNewKeys) {
  const Sweep lab = ParseDpu("mode: msb, input_bits: 4");
  ASSERT_EQ(lab.jobs.size(), 2u);
  for (const JobSpec& job : lab.jobs) {
    EXPECT_EQ(job.params["input_bits"], 4);
    EXPECT_FALSE(job.params.contains("a_bits")) << job.params.dump();
    EXPECT_FALSE(job.params.contains("b_bits"));
    EXPECT_FALSE(job.params.contains("b_format"));
  }
  const DpuDesign d = DpuParams::From(lab.jobs[1].params).Design();
  EXPECT_EQ(d.a_bits, 4);
  EXPECT_EQ(d.b_bits, 4);
  EXPECT_EQ(d.ModuleName(), "DotProductUnit_4_msb");
  // a_bits == b_bits written without input_bits: still the lab's family.
  const Sweep same = ParseDpu("mode: msb, a_bits: 6, b_bits: 6");
  EXPECT_EQ(same.jobs[0].params["input_bits"], 6);
  EXPECT_FALSE(same.jobs[0].params.contains("a_bits"));
}

TEST(DpuWidths, OtherDesignsStoreTheirWidthsAndFormat) {
  const Sweep sm = ParseDpu("mode: lsb, b_format: sign-magnitude");
  const json& p = sm.jobs[1].params;
  EXPECT_EQ(p["a_bits"], 8);
  EXPECT_EQ(p["b_bits"], 8);
  EXPECT_EQ(p["b_format"], "sign-magnitude");
  const DpuDesign d = DpuParams::From(p).Design();
  EXPECT_TRUE(d.Signed());
  EXPECT_EQ(d.FullBits(), 8 + 7 + 2 + 1);
  EXPECT_EQ(d.ModuleName(), "DotProductUnit_4_lsb_sm");
  EXPECT_EQ(d.FileName(), "dpu_4_lsb_sm.v");

  const Sweep narrow = ParseDpu("mode: msb, b_bits: 4, b_format: sign-magnitude");
  const DpuDesign n = DpuParams::From(narrow.jobs[1].params).Design();
  EXPECT_EQ(n.a_bits, 8);
  EXPECT_EQ(n.b_bits, 4);
  EXPECT_EQ(n.ModuleName(), "DotProductUnit_4_msb_a8b4_sm");
  const Sweep wide_a = ParseDpu("mode: full, input_bits: 4, a_bits: 8");
  EXPECT_EQ(DpuParams::From(wide_a.jobs[1].params).Design().ModuleName(),
            "DotProductUnit_4_full_a8b4");
  // The verification of another format is another cache entry.
  EXPECT_NE(CacheKeyFor("sim", sm.jobs[0].params),
            CacheKeyFor("sim", ParseDpu("mode: lsb").jobs[0].params));
  EXPECT_FALSE(CacheKeyFor("sim", sm.jobs[0].params).empty());
}

TEST(DpuWidths, ContradictionsAreErrorsAtTheirKey) {
  EXPECT_EQ(DpuErrorOf("mode: full, input_bits: 8, a_bits: 8, b_bits: 4"),
            "w.yaml:5:44: groups[0].params.input_bits: 8 contradicts a_bits: 8 and b_bits: 4 "
            "(input_bits sets both; drop it, or write only the one that differs)");
  EXPECT_EQ(DpuErrorOf("mode: full, b_format: sign-magnitude, b_bits: 1"),
            "w.yaml:5:66: groups[0].params.b_bits: 1 is too narrow for sign-magnitude: it needs a "
            "sign bit and at least one magnitude bit");
  EXPECT_EQ(DpuErrorOf("mode: msb, b_format: sign-magnitude, out_bits: 1"),
            "w.yaml:5:67: groups[0].params.out_bits: 1 is too narrow for a signed output: it "
            "needs a sign bit and at least one more");
  // W = 8 + 3 + ceil(log2 4) + 1 = 14 for a8 b4 sign-magnitude at N = 4.
  EXPECT_EQ(DpuErrorOf("mode: lsb, b_bits: 4, b_format: sign-magnitude, out_bits: 14"),
            "w.yaml:5:78: groups[0].params.out_bits: 14 leaves nothing to saturate: the exact "
            "output of N=4, a_bits=8, b_bits=4 sign-magnitude has 14 bits (use mode: full)");
  EXPECT_EQ(DpuErrorOf("mode: msb, b_bits: 4, b_format: sign-magnitude, out_bits: 15"),
            "w.yaml:5:78: groups[0].params.out_bits: 15 exceeds the exact output width 14 of "
            "N=4, a_bits=8, b_bits=4 sign-magnitude");
  EXPECT_NE(DpuErrorOf("mode: full, b_format: signed")
                .find("'signed' is not one of unsigned, "
                      "sign-magnitude"),
            std::string::npos);
  EXPECT_NE(DpuErrorOf("mode: full, a_bits: 17").find("a_bits: 17 is out of range 1…16"),
            std::string::npos)
      << DpuErrorOf("mode: full, a_bits: 17");
  // Two of the three written agree with nothing to contradict.
  EXPECT_EQ(DpuErrorOf("mode: full, input_bits: 8, b_bits: 4"), "accepted");
  EXPECT_EQ(DpuErrorOf("mode: full, input_bits: 4, a_bits: 4, b_bits: 4"), "accepted");
}

}  // namespace
}  // namespace labq
