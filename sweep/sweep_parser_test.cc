#include "sweep/sweep_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "common/error.h"
#include "jobs/kind_registry.h"
#include "orchestrator/slurm_client.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

TEST(SweepParser, LabPartOneExpandsToVerifyAndSynthPerConfiguration) {
  Sweep sweep = LoadSweepFile(BuiltinKinds(), testing::SourceDir() + "/configs/lab2_part1.yaml");
  EXPECT_EQ(sweep.name, "lab2_part1");
  ASSERT_EQ(sweep.jobs.size(), 12u);
  std::set<std::pair<int, std::string>> configs;
  for (size_t i = 0; i < sweep.jobs.size(); i += 2) {
    const JobSpec& verify = sweep.jobs[i];
    const JobSpec& synth = sweep.jobs[i + 1];
    EXPECT_EQ(verify.kind, "sim");
    EXPECT_EQ(synth.kind, "synth");
    ASSERT_EQ(synth.depends_on.size(), 1u);
    EXPECT_EQ(synth.depends_on[0], verify.name);
    EXPECT_EQ(synth.params["input_bits"], 8);
    EXPECT_EQ(synth.params["liberty"], "osu018");
    EXPECT_EQ(synth.params["clock_period_ns"], "lab");  // the lab's fixed-period rule
    configs.insert({synth.params["n"].get<int>(), synth.params["mode"].get<std::string>()});
  }
  std::set<std::pair<int, std::string>> expected = {{8, "full"},   {8, "msb"},   {8, "lsb"},
                                                    {128, "full"}, {128, "msb"}, {128, "lsb"}};
  EXPECT_EQ(configs, expected);
  EXPECT_EQ(sweep.jobs[0].name, "dpu_8_full.verify");
  EXPECT_EQ(sweep.jobs[1].name, "dpu_8_full.synth");
}

TEST(SweepParser, ZipPairsListsElementWiseAndCombinesWithGrid) {
  Sweep sweep = ParseSweep(BuiltinKinds(), R"(name: z
groups:
  - name: g
    kind: synth
    grid:
      mode: [full, msb]
    zip:
      n: [4, 16, 64]
      clock_period_ns: [2.0, 3.0, 5.5]
)",
                           "z.yaml");
  ASSERT_EQ(sweep.jobs.size(), 6u);
  EXPECT_EQ(sweep.jobs[0].params["n"], 4);
  EXPECT_EQ(sweep.jobs[0].params["clock_period_ns"], 2.0);
  EXPECT_EQ(sweep.jobs[2].params["n"], 64);
  EXPECT_EQ(sweep.jobs[2].params["clock_period_ns"], 5.5);
  EXPECT_EQ(sweep.jobs[3].params["mode"], "msb");
  EXPECT_TRUE(sweep.jobs[0].depends_on.empty());
}

TEST(SweepParser, PrecedenceIsSchemaThenDefaultsThenParamsThenGrid) {
  Sweep sweep = ParseSweep(BuiltinKinds(), R"(name: p
defaults:
  input_bits: 4
  random_vectors: 7
groups:
  - name: g
    kind: sim
    params: {n: 2, random_vectors: 9}
    grid: {mode: [full]}
)",
                           "p.yaml");
  ASSERT_EQ(sweep.jobs.size(), 1u);
  const auto& params = sweep.jobs[0].params;
  EXPECT_EQ(params["input_bits"], 4);
  EXPECT_EQ(params["random_vectors"], 9);
  EXPECT_EQ(params["simulator"], "verilator");
}

TEST(SweepParser, QuotedNumbersStayStrings) {
  EXPECT_THROW(ParseSweep(BuiltinKinds(),
                          "name: q\ngroups:\n  - {name: g, kind: sim, params: {n: \"8\", mode: "
                          "full}}\n",
                          "q.yaml"),
               InputError);
}

TEST(SweepParser, QatGroupSharesOnePretrainJob) {
  Sweep sweep = ParseSweep(BuiltinKinds(), R"(name: t
groups:
  - name: qat
    kind: qat
    params: {epochs: 1, train_limit: 100}
    grid: {mode: [fp, q8, q4, nested]}
)",
                           "t.yaml");
  ASSERT_EQ(sweep.jobs.size(), 5u);
  EXPECT_EQ(sweep.jobs[0].kind, "pretrain");
  for (size_t i = 1; i < sweep.jobs.size(); ++i) {
    EXPECT_EQ(sweep.jobs[i].kind, "qat");
    EXPECT_EQ(sweep.jobs[i].depends_on, std::vector<std::string>{sweep.jobs[0].name});
  }
}

TEST(SweepParser, CudaQatJobsHoldAGpuAndAskSlurmForOne) {
  Sweep sweep = ParseSweep(BuiltinKinds(), R"(name: t
groups:
  - name: gpu
    kind: qat
    params: {epochs: 1, device: cuda}
    grid: {mode: [q8, nested]}
  - name: cpu
    kind: qat
    params: {epochs: 1, mode: q4}
  - name: cluster
    kind: qat
    executor: slurm
    params: {epochs: 1, mode: q8, device: cuda}
  - name: big
    kind: qat
    executor: slurm
    slurm: {gres: "gpu:a100:2"}
    resources: {gpu: 2}
    params: {epochs: 1, mode: q8, device: cuda}
)",
                           "t.yaml");
  ASSERT_EQ(sweep.jobs.size(), 9u);
  for (const auto& job : sweep.jobs) {
    const bool cuda = job.group != "cpu";
    EXPECT_EQ(job.params["device"], cuda ? "cuda" : "cpu") << job.name;
    // Pretraining runs where its group trains, holding a GPU too.
    EXPECT_EQ(job.resources.value("gpu", 0), job.group == "big" ? 2 : cuda ? 1 : 0) << job.name;
    const std::string gres =
        job.executor.value("options", nlohmann::json::object()).value("gres", std::string("none"));
    if (job.group == "cluster") {
      // The sbatch line the SLURM executor builds from it.
      const auto args = SlurmOptionArgs(SlurmOptionsFromJson(job.executor.at("options")));
      EXPECT_NE(std::find(args.begin(), args.end(), "--gres=gpu:1"), args.end()) << job.name;
    }
    const std::string want_gres = job.group == "cluster" ? "gpu:1"
                                  : job.group == "big"   ? "gpu:a100:2"
                                                         : "none";
    EXPECT_EQ(gres, want_gres) << job.name;
  }
  try {
    ParseSweep(BuiltinKinds(),
               "name: t\ngroups:\n  - {name: q, kind: qat, params: {mode: q8, device: tpu}}\n",
               "d.yaml");
    FAIL() << "device: tpu accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("d.yaml:3:"), std::string::npos) << what;
    EXPECT_NE(what.find("groups[0].params.device"), std::string::npos) << what;
  }
}

struct MalformedCase {
  const char* file;
  const char* text;
  const char* message;
};

/// Each malformed sweep and the exact message a user sees.
const MalformedCase kMalformed[] = {
    {"m01.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params:
      n: 8
      mode: lbs
)yaml",
     "m01.yaml:7:13: groups[0].params.mode: 'lbs' is not one of full, msb, lsb"},
    {"m02.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full, colour: red}
)yaml",
     "m02.yaml:5:40: groups[0].params.colour: unknown parameter for kind dpu (known: n, "
     "input_bits, a_bits, b_bits, b_format, mode, out_bits, clock_period_ns, lab_clock_ns, "
     "liberty, flow, simulator, "
     "random_vectors, seed, vectors, power_vectors, verify, toggle_rate, activity, input_delay_ns, "
     "output_delay_ns, rtl, timeout_s, genus_path, "
     "genus_effort, genus_hook, genus_fallback, retries)"},
    {"m03.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    grid:
      n: [8, 2048]
      mode: [full]
)yaml",
     "m03.yaml:6:14: groups[0].grid.n: 2048 is out of range 1…1024"},
    {"m04.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    grid:
      n: [8]
      mode: [full
)yaml",
     "m04.yaml:8:1: YAML syntax error: end of sequence flow not found"},
    {"m05.yaml",
     R"yaml(groups:
  - name: dpu
    kind: dpu
)yaml",
     "m05.yaml:1:1: name: missing: every sweep needs a name"},
    {"m06.yaml",
     R"yaml(name: x
groups: []
)yaml",
     "m06.yaml:2:9: groups: must be a non-empty list of groups"},
    {"m07.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: fpga
)yaml",
     "m07.yaml:4:11: groups[0].kind: 'fpga' is not one of command, dpu, qat, hw_eval, sim, synth"},
    {"m08.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {mode: full}
)yaml",
     "m08.yaml:3:5: groups[0].n: required parameter missing (set it in params:, grid:, zip: or "
     "defaults:)"},
    {"m09.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full, clock_period_ns: -2}
)yaml",
     "m09.yaml:5:49: groups[0].params.clock_period_ns: -2 is out of range 0.001…1000000"},
    {"m10.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full, liberty: "lib; rm -rf ~"}
)yaml",
     "m10.yaml:5:41: groups[0].params.liberty: 'lib; rm -rf ~' is not a safe path (letters, digits "
     "and / . _ - + only) or one of osu018, nangate45, sky130"},
    {"m11.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    zip:
      n: [8, 16]
      mode: [full]
)yaml",
     "m11.yaml:7:13: groups[0].zip.mode: has 1 values but the first zip list has 2 (zip pairs "
     "lists element by element)"},
    {"m12.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8}
    grid:
      n: [16]
      mode: [full]
)yaml",
     "m12.yaml:7:7: groups[0].grid.n: is set more than once in this group (params/grid/zip)"},
    {"m13.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: msb, out_bits: 20}
)yaml",
     "m13.yaml:5:41: groups[0].params.out_bits: 20 exceeds the exact output width 19 of N=8, M=8"},
    {"m14.yaml",
     R"yaml(name: x
nmae: y
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full}
)yaml",
     "m14.yaml:2:1: nmae: unknown key (did you mean 'name'?) (expected one of name, description, "
     "defaults, limits, "
     "executor, slurm, groups)"},
    {"m15.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8.5, mode: full}
)yaml",
     "m15.yaml:5:17: groups[0].params.n: 8.5 is not an integer"},
    {"m16.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full}
  - name: dpu
    kind: dpu
    params: {n: 16, mode: full}
)yaml",
     "m16.yaml:6:11: groups[1].name: 'dpu' names two groups"},
    {"m17.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: lsb, out_bits: 19}
)yaml",
     "m17.yaml:5:41: groups[0].params.out_bits: 19 leaves nothing to saturate: the exact output of "
     "N=8, M=8 has 19 bits (use mode: full)"},
    {"m18.yaml",
     R"yaml(name: x
defaults:
  input_bits: 40
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full}
)yaml",
     "m18.yaml:3:15: defaults.input_bits: 40 is out of range 2…16"},
    {"m19.yaml",
     R"yaml(name: "bad name!"
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full}
)yaml",
     "m19.yaml:1:7: name: 'bad name!' is not a name (a letter, then letters, digits, _ . -; at "
     "most 64)"},
    {"m20.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    grid:
      n: 8
      mode: [full]
)yaml",
     "m20.yaml:6:10: groups[0].grid.n: must be a list of values"},
    {"m21.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full, n: 16}
)yaml",
     "m21.yaml:5:32: groups[0].params.n: duplicate key"},
    {"m22.yaml", R"yaml()yaml", "m22.yaml:1:1: the sweep file is empty"},
    {"m23.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full, liberty: /tmp/x.v}
)yaml",
     "m23.yaml:5:41: groups[0].params.liberty: '/tmp/x.v' is not one of osu018, nangate45, sky130 "
     "nor a .lib/.lib.gz path"},
    {"m24.yaml",
     R"yaml(name: x
groups:
  - name: dpu
    kind: dpu
    params: {n: 8, mode: full, clock_period_ns: fast}
)yaml",
     "m24.yaml:5:49: groups[0].params.clock_period_ns: 'fast' is not a number or one of auto, lab"},
    {"m25.yaml",
     R"yaml(name: x
groups:
  - name: q
    kind: qat
    params: {mode: nested, epochs: 31}
)yaml",
     "m25.yaml:5:36: groups[0].params.epochs: 31 is out of range 0…30"},
    {"m26.yaml",
     R"yaml(name: x
executor: kubernetes
groups:
  - {name: c, kind: command, params: {argv: ["true"]}}
)yaml",
     "m26.yaml:2:11: executor: must be local or slurm"},
    {"m27.yaml",
     R"yaml(name: x
executor: slurm
slurm:
  mem: 4X
groups:
  - {name: c, kind: command, params: {argv: ["true"]}}
)yaml",
     "m27.yaml:4:8: slurm.mem: '4X' is not a memory size: a positive whole number with an optional "
     "K, M, G or T (e.g. 4G; no unit means M)"},
    {"m28.yaml",
     R"yaml(name: x
groups:
  - name: c
    kind: command
    slurm: {time: "5"}
    params: {argv: ["true"]}
)yaml",
     "m28.yaml:5:12: groups[0].slurm: needs executor: slurm"},
    {"m29.yaml",
     R"yaml(name: x
executor: slurm
slurm: {extra_args: ["--output=/etc/x"]}
groups:
  - {name: c, kind: command, params: {argv: ["true"]}}
)yaml",
     "m29.yaml:3:8: slurm.extra_args[0]: '--output=/etc/x' is not allowed: labq sets it"},
};

TEST(SweepParser, MalformedFilesGiveExactMessages) {
  for (const auto& c : kMalformed) {
    SCOPED_TRACE(c.file);
    try {
      ParseSweep(BuiltinKinds(), c.text, c.file);
      ADD_FAILURE() << "accepted a malformed sweep";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

TEST(SweepParser, MissingFileNamesIt) {
  try {
    LoadSweepFile(BuiltinKinds(), "/nonexistent/sweep.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/sweep.yaml"), std::string::npos);
  }
}

TEST(SweepParser, SetOverridesReplaceFixedValuesInEveryGroupThatHasThem) {
  const std::string text = R"(name: o
description: two groups
defaults: {liberty: osu018, clock_period_ns: 10}
groups:
  - {name: a, kind: synth, params: {n: 8, mode: full, clock_period_ns: 5}}
  - {name: q, kind: qat, params: {mode: q8}}
)";
  Sweep plain = ParseSweep(BuiltinKinds(), text, "o.yaml");
  EXPECT_EQ(plain.description, "two groups");
  EXPECT_EQ(plain.jobs[0].params["clock_period_ns"], 5);
  Sweep over =
      ParseSweep(BuiltinKinds(), text, "o.yaml", {{"clock_period_ns", "2.5"}, {"epochs", "3"}});
  EXPECT_EQ(over.jobs[0].params["clock_period_ns"], 2.5);
  for (const auto& job : over.jobs) {
    if (job.kind == "qat") {
      EXPECT_EQ(job.params["epochs"], 3);
    }
  }
  try {
    ParseSweep(BuiltinKinds(), text, "o.yaml", {{"clock_period_ns", "fast"}});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "<command line>: --set clock_period_ns: 'fast' is not a number or one of auto, lab");
  }
  EXPECT_THROW(ParseSweep(BuiltinKinds(), text, "o.yaml", {{"n", "0"}}), InputError);
  EXPECT_THROW(ParseOverride("=3"), InputError);
  EXPECT_EQ(ParseOverride("k=v=w").value, "v=w");
}

TEST(SweepParser, UnknownKeysSuggestTheClosestName) {
  try {
    ParseSweep(BuiltinKinds(),
               "name: s\ngroups:\n  - {name: a, kind: dpu, params: {n: 8, mdoe: full}}\n",
               "s.yaml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown parameter for kind dpu (did you mean 'mode'?)"),
              std::string::npos)
        << e.what();
  }
  try {
    ParseSweep(BuiltinKinds(), "name: s\ngroup: []\n", "s.yaml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("s.yaml:2:1: group: unknown key (did you mean 'groups'?)"),
              std::string::npos)
        << e.what();
  }
}

/// The message of the InputError/Error that `f` throws ("" if none).
template <typename F>
std::string ErrorOf(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Finding 4: an alias bomb in argv was expanded until bad_alloc (31 s, SIGABRT).
TEST(SweepParser, AliasBombInArgvIsAClearErrorNotAnExpansion) {
  std::string text = "name: bomb\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 8; ++k) text += ", " + prev;
    text += "]\n";
  }
  // Keys x0..x9 are not sweep keys, so put the bomb where the report found it.
  text += "groups:\n  - {name: c, kind: command, params: {argv: *a9}}\n";
  const std::string error = ErrorOf([&] { ParseSweep(BuiltinKinds(), text, "bomb.yaml"); });
  EXPECT_NE(error.find("bomb.yaml:"), std::string::npos) << error;
  EXPECT_NE(error.find("more than 100000 YAML values"), std::string::npos) << error;
}

TEST(SweepParser, DeepNestingIsAnError) {
  const std::string text = "name: deep\ngroups: " + std::string(200, '[') + std::string(200, ']');
  EXPECT_NE(
      ErrorOf([&] { ParseSweep(BuiltinKinds(), text, "deep.yaml"); }).find("nested deeper than 64"),
      std::string::npos);
}

// Finding 4: a 10^9-job grid was expanded in memory until it failed (4 GB).
TEST(SweepParser, HugeGridIsCountedBeforeItIsExpanded) {
  std::string text =
      "name: big\ngroups:\n  - name: c\n    kind: command\n    params: {argv: "
      "[echo, \"{a}\"]}\n    grid:\n";
  for (char axis = 'a'; axis <= 'i'; ++axis) {
    text += std::string("      ") + axis + ": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  }
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), text, "big.yaml"); }),
            "big.yaml:7:7: groups[0].grid: expands to 1000000000 configurations (at least "
            "1000000000 jobs in the sweep), more than the 10000-job limit (raise it with "
            "--max-jobs)");
}

TEST(SweepParser, MaxJobsLimitCountsEveryGroupAndCanBeRaised) {
  const std::string text = R"(name: two
groups:
  - {name: a, kind: command, params: {argv: [echo, "{x}"]}, grid: {x: [1, 2, 3]}}
  - {name: b, kind: command, params: {argv: [echo, "{x}"]}, grid: {x: [1, 2, 3]}}
)";
  SweepLimits limits;
  limits.max_jobs = 5;
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), text, "two.yaml", {}, limits); }),
            "two.yaml:4:67: groups[1].grid: expands to 3 configurations (at least 6 jobs in the "
            "sweep), more than the 5-job limit (raise it with --max-jobs)");
  limits.max_jobs = 6;
  EXPECT_EQ(ParseSweep(BuiltinKinds(), text, "two.yaml", {}, limits).jobs.size(), 6u);
  // dpu configurations give two jobs each: the exact count is checked after expansion.
  const std::string dpu = R"(name: d
groups:
  - {name: d, kind: dpu, params: {mode: full}, grid: {n: [2, 4, 8]}}
)";
  EXPECT_EQ(ParseSweep(BuiltinKinds(), dpu, "d.yaml", {}, limits).jobs.size(), 6u);
  limits.max_jobs = 5;
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), dpu, "d.yaml", {}, limits); }),
            "d.yaml:3:5: groups[0]: the sweep expands to 6 jobs up to here, more than the 5-job "
            "limit (raise it with --max-jobs)");
}

// Finding 8: `1e309` and `1e-400` gave "labq: stod" without a location.
TEST(SweepParser, NumbersOutOfDoubleRangeNameFileLineColumnAndKey) {
  const std::string big = R"(name: n
groups:
  - name: d
    kind: dpu
    params: {n: 8, mode: full, clock_period_ns: 1e309}
)";
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), big, "n.yaml"); }),
            "n.yaml:5:49: groups[0].params.clock_period_ns: '1e309' is too large for a number (a "
            "double holds magnitudes from about 2.2e-308 to 1.8e308)");
  const std::string tiny = R"(name: n
groups:
  - name: d
    kind: dpu
    grid: {toggle_rate: [0.5, 1e-400]}
    params: {n: 8, mode: full}
)";
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), tiny, "t.yaml"); }),
            "t.yaml:5:31: groups[0].grid.toggle_rate: '1e-400' is too small for a number (a "
            "double holds magnitudes from about 2.2e-308 to 1.8e308)");
  // An integer too large for 64 bits is read as a number, then range-checked.
  const std::string huge_int = R"(name: n
groups:
  - name: d
    kind: dpu
    params: {n: 99999999999999999999999, mode: full}
)";
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), huge_int, "i.yaml"); }),
            "i.yaml:5:17: groups[0].params.n: 9.999999999999999e+22 is not an integer");
}

// Finding 8: a second YAML document was silently dropped.
TEST(SweepParser, SecondYamlDocumentIsAnError) {
  const std::string text = R"(name: a
groups:
  - {name: c, kind: command, params: {argv: ["true"]}}
---
name: b
)";
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), text, "m.yaml"); }),
            "m.yaml:4:1: a second YAML document; a sweep file holds one (remove the '---' line or "
            "split the file)");
  // One document with an explicit start marker, or an end marker, is fine.
  const std::string one = text.substr(0, text.find("---"));
  EXPECT_EQ(ParseSweep(BuiltinKinds(), "---\n" + one, "one.yaml").name, "a");
  EXPECT_EQ(
      ParseSweep(BuiltinKinds(), "%YAML 1.2\n--- # c\n" + one + "...\n# end\n", "one.yaml").name,
      "a");
  // Content after an end marker is a second document too.
  EXPECT_EQ(ErrorOf([&] { ParseSweep(BuiltinKinds(), one + "...\nname: b\n", "e.yaml"); }),
            "e.yaml:5:1: a second YAML document; a sweep file holds one (remove the '---' line or "
            "split the file)");
}

// Finding 8: a directory as the sweep said "the sweep file is empty".
TEST(SweepParser, DirectoryDeviceAndOversizedFilesAreClearErrors) {
  testing::TempDir tmp;
  const std::string dir = tmp.path().string();
  EXPECT_EQ(ErrorOf([&] { LoadSweepFile(BuiltinKinds(), dir); }),
            dir + ": is a directory, not a sweep file");
  // Finding 4: `labq submit /dev/zero` read until bad_alloc.
  EXPECT_EQ(ErrorOf([&] { LoadSweepFile(BuiltinKinds(), "/dev/zero"); }),
            "/dev/zero: is not a regular file (a device, pipe or socket); a sweep must be a file");
  const std::string big = (tmp.path() / "big.yaml").string();
  {
    std::ofstream out(big);
    out << "name: big\n# " << std::string(2 << 20, 'x') << "\n";
  }
  EXPECT_EQ(ErrorOf([&] { LoadSweepFile(BuiltinKinds(), big); }),
            big + ": is larger than the 1048576-byte limit for a sweep file");
}

}  // namespace
}  // namespace labq
