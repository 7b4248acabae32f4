#include "jobs/hw_eval_job.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/file_util.h"
#include "common/metric_names.h"
#include "common/text.h"
#include "jobs/kind_registry.h"
#include "sweep/param_schema.h"
#include "sweep/sweep_parser.h"
#include "tests/job_runner.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

/// A qat group (one nested job), a dpu group and, from line 13 on, the
/// hw_eval group `tail` ends (its params start at line 16).
std::string CodesignSweep(const std::string& tail, const std::string& qat_modes = "[fp, nested]") {
  return "name: cd\n"                                                     // 1
         "groups:\n"                                                      // 2
         "  - name: train\n"                                              // 3
         "    kind: qat\n"                                                // 4
         "    params: {epochs: 1, pretrain_epochs: 1, dataset: mnist}\n"  // 5
         "    grid:\n"                                                    // 6
         "      mode: " +
         qat_modes +
         "\n"               // 7
         "  - name: hw\n"   // 8
         "    kind: dpu\n"  // 9
         "    grid: {n: [8, 128], mode: [full, msb, lsb], b_format: [unsigned, sign-magnitude], "
         "b_bits: [8, 4]}\n"                 // 10
         "  - name: other\n"                 // 11
         "    kind: sim\n"                   // 12
         "    params: {n: 4, mode: full}\n"  // 13
         "  - name: ev\n"                    // 14
         "    kind: hw_eval\n"               // 15
         "    params:\n"                     // 16
         + tail;
}

const JobSpec* Find(const Sweep& sweep, const std::string& name) {
  for (const auto& job : sweep.jobs) {
    if (job.name == name) return &job;
  }
  return nullptr;
}

/// The parse error of `text`, as the user reads it.
std::string ErrorOf(const std::string& text) {
  try {
    ParseSweep(BuiltinKinds(), text, "cd.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(HwEvalKind, EachJobWaitsForTheNestedJobAndTheMatchingSynthesis) {
  const Sweep sweep = ParseSweep(BuiltinKinds(),
                                 CodesignSweep("      {from: train, b_format: unsigned-split}\n"
                                               "    grid: {n: [8, 128], mode: [msb, lsb]}\n"),
                                 "cd.yaml");
  std::vector<const JobSpec*> evals;
  for (const auto& job : sweep.jobs) {
    if (job.kind == "hw_eval") evals.push_back(&job);
  }
  ASSERT_EQ(evals.size(), 4u);
  const JobSpec& first = *evals[0];
  EXPECT_EQ(first.name, "ev_8_msb.hweval");
  EXPECT_EQ(first.group, "ev");
  // The nested training job (not the fp one) and the unsigned N=8 msb DPU.
  EXPECT_EQ(first.depends_on,
            (std::vector<std::string>{"train_nested.train", "hw_8_msb_unsigned_8.synth"}));
  EXPECT_EQ(evals[3]->depends_on,
            (std::vector<std::string>{"train_nested.train", "hw_128_lsb_unsigned_8.synth"}));
  // What labqat needs from the training: its data set.
  EXPECT_EQ(first.params[kHwEvalDatasetKey], "mnist");
  EXPECT_EQ(first.params[kHwEvalDataKey], "default");
  for (const JobSpec* job : evals) {
    for (const auto& dep : job->depends_on) EXPECT_NE(Find(sweep, dep), nullptr) << dep;
  }
  // Sign-magnitude (the default) at 4 bits runs on the b_bits 4 sign-magnitude DPU.
  const Sweep sm = ParseSweep(
      BuiltinKinds(), CodesignSweep("      {from: train, n: 128, mode: lsb, precision: 4}\n"),
      "cd.yaml");
  EXPECT_EQ(sm.jobs.back().depends_on,
            (std::vector<std::string>{"train_nested.train", "hw_128_lsb_sign-magnitude_4.synth"}));
  const HwEvalParams p = HwEvalParams::From(first.params);
  EXPECT_EQ(p.precision, 8);
  EXPECT_EQ(p.a_bits, 8);
  EXPECT_EQ(p.DpuBFormat(), "unsigned");
}

TEST(HwEvalKind, TheLabsCodesignSweepCoversEveryRowWithASynthesis) {
  const Sweep sweep =
      LoadSweepFile(BuiltinKinds(), testing::SourceDir() + "/configs/lab2_codesign.yaml");
  int sign_magnitude = 0, split = 0;
  for (const auto& job : sweep.jobs) {
    if (job.kind != "hw_eval") continue;
    const HwEvalParams p = HwEvalParams::From(job.params);
    (p.b_format == "sign-magnitude" ? sign_magnitude : split)++;
    ASSERT_EQ(job.depends_on.size(), 2u) << job.name;
    EXPECT_EQ(job.depends_on[0], "train.train");
    const JobSpec* synth = Find(sweep, job.depends_on[1]);
    ASSERT_NE(synth, nullptr) << job.name;
    EXPECT_EQ(synth->params["n"], p.n);
    EXPECT_EQ(synth->params["mode"], p.mode);
  }
  EXPECT_EQ(sign_magnitude, 12);  // N {8, 128} x {full, msb, lsb} x precision {8, 4}
  EXPECT_EQ(split, 6);
}

TEST(HwEvalKind, FromNamingNoGroupIsAnErrorAtFrom) {
  EXPECT_EQ(ErrorOf(CodesignSweep("      {from: trian, n: 8, mode: msb}\n")),
            "cd.yaml:17:14: groups[3].params.from: no group 'trian' above this one (hw_eval "
            "reads a qat group defined before it; groups above: train, hw, other)");
}

TEST(HwEvalKind, FromNamingAGroupOfAnotherKindIsAnErrorAtFrom) {
  EXPECT_EQ(ErrorOf(CodesignSweep("      from: hw\n      n: 8\n      mode: msb\n")),
            "cd.yaml:17:13: groups[3].params.from: group 'hw' is not kind qat (it has no "
            "training jobs); hw_eval evaluates the weights of a qat group's nested job");
}

TEST(HwEvalKind, FromAQatGroupWithoutANestedJobIsAnErrorAtFrom) {
  EXPECT_EQ(ErrorOf(CodesignSweep("      {from: train, n: 8, mode: msb}\n", "[fp, q8]")),
            "cd.yaml:17:14: groups[3].params.from: qat group 'train' has no nested job (mode: "
            "nested): hw_eval needs its 8-bit codes and their 4-bit cuts");
}

TEST(HwEvalKind, NLargerThanTheLargestConvKIsAnErrorAtN) {
  EXPECT_EQ(ErrorOf(CodesignSweep("      {from: train, mode: msb, b_format: unsigned-split}\n"
                                  "    grid:\n"
                                  "      n: [8, 577]\n")),
            "cd.yaml:19:14: groups[3].grid.n: 577 is larger than the largest convolution's K = "
            "Cin*kh*kw = 576 of cnn on mnist (group 'train'): every DPU call would be mostly "
            "zero padding");
  EXPECT_EQ(MaxConvK("cnn", "cifar10"), 576);
  EXPECT_EQ(MaxConvK("resnet20", "fashion-mnist"), 576);
  EXPECT_THROW(MaxConvK("vgg", "mnist"), Error);
}

TEST(HwEvalKind, OutBitsWiderThanTheSumIsAnErrorAtOutBits) {
  const std::string e =
      ErrorOf(CodesignSweep("      {from: train, n: 8, mode: lsb, out_bits: 40}\n"));
  EXPECT_TRUE(StartsWith(e, "cd.yaml:17:48: groups[3].params.out_bits: ")) << e;
  EXPECT_TRUE(Contains(e, "19")) << e;  // W = 8 + 8 + 3 for the lab's unsigned N=8 DPU
}

TEST(HwEvalKind, NoMatchingSynthesisSaysWhatToAdd) {
  // The dpu group synthesizes n 8 and 128 only.
  EXPECT_EQ(ErrorOf(CodesignSweep("      {from: train, n: 16, mode: msb, b_format: "
                                  "unsigned-split}\n")),
            "cd.yaml:17:24: groups[3].params.n: no synthesis job above this one builds the DPU "
            "this row runs on: add a dpu group (or a grid row of one) with n: 16, mode: msb, "
            "out_bits: 8, a_bits: 8, b_bits: 8, b_format: unsigned");
  // 6-bit activations need a DPU with 6-bit a inputs (full ignores out_bits).
  EXPECT_TRUE(Contains(ErrorOf(CodesignSweep("      {from: train, n: 8, mode: full, b_format: "
                                             "unsigned-split, precision: 4, a_bits: 6}\n")),
                       "with n: 8, mode: full, a_bits: 6, b_bits: 4, b_format: unsigned"));
}

TEST(HwEvalKind, PrecisionIsEightOrFour) {
  EXPECT_EQ(ErrorOf(CodesignSweep("      {from: train, n: 8, mode: msb, precision: 6}\n")),
            "cd.yaml:17:49: groups[3].params.precision: must be 8 or 4 (the trained codes or "
            "their 4-bit cuts)");
}

TEST(HwEvalKind, TheFinalLineBecomesMetricsWithDeclaredUnits) {
  const std::string text =
      "{\"type\":\"progress\",\"images\":100}\n"
      R"({"type":"hweval","accuracy":88.25,"float_accuracy":88.5,"n":128,"mode":"msb",)"
      R"("b_format":"sign-magnitude","precision":8,"a_bits":8,"b_bits":8,"out_bits":8,)"
      R"("act_scales":[0.1,0.2],"macs_per_image":2.5e6,"dpu_calls_per_image":40000,)"
      R"("test_images":10000,"seconds":12.5,"images_per_s":800.0,"threads":2,"device":"cpu",)"
      R"("sum_bits":19,"float_seconds":3.5})"
      "\nAccuracy of 8-bit version on the DPU (N=128, msb, sign-magnitude) is 88.25%\n";
  const JobOutput out = ParseHwEvalOutput(text, "labqat.stdout");
  const auto& declared = HwEvalMetrics();
  for (const auto& m : out.metrics) {
    auto it = std::find_if(declared.begin(), declared.end(),
                           [&](const MetricSpec& d) { return d.name == m.name; });
    ASSERT_NE(it, declared.end()) << m.name << " is written but not declared";
    EXPECT_EQ(it->unit, m.unit) << m.name;
  }
  EXPECT_EQ(out.metrics.size(), declared.size());
  EXPECT_EQ(out.texts.at("act_scales"), "[0.1,0.2]");
  EXPECT_EQ(out.texts.at("mode"), "msb");
  EXPECT_THROW(ParseHwEvalOutput("{\"type\":\"final\"}\n", "labqat.stdout"), JobFailed);
  EXPECT_THROW(ParseHwEvalOutput("{\"type\":\"hweval\",\n", "labqat.stdout"), JobFailed);
}

/// A stand-in for labqat that records its argv, one per line, and prints a
/// final line: what the job hands labqat and how it stores the answer.
TEST(HwEvalKind, RunsLabqatHwevalOnTheNestedWeightsAsAnArgvVector) {
  testing::TempDir tmp;
  const auto fake = tmp.path() / "labqat";
  WriteFileAtomically(fake,
                      "#!/bin/sh\nprintf '%s\\n' \"$@\" > argv.txt\n"
                      "echo '{\"type\":\"hweval\",\"accuracy\":87.5,\"float_accuracy\":88,"
                      "\"macs_per_image\":1000,\"act_scales\":[0.5]}'\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  const auto train = tmp.path() / "train";
  std::filesystem::create_directories(train);
  WriteFileAtomically(train / "final.pt", "weights");
  const auto synth = tmp.path() / "synth";
  std::filesystem::create_directories(synth);
  nlohmann::json params = SchemaDefaults(HwEvalKind().Params());
  params.update({{"n", 128},
                 {"mode", "lsb"},
                 {"from", "train"},
                 {"precision", 4},
                 {kHwEvalDatasetKey, "mnist"},
                 {kHwEvalDataKey, "/data/my mnist"}});
  setenv("LABQAT", fake.c_str(), 1);
  const JobCompletion c = testing::RunJobForTest("hw_eval", params, tmp.path() / "run",
                                                 {{"t.train", train}, {"s.synth", synth}});
  unsetenv("LABQAT");
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(testing::MetricValue(c, metric::kHwAccuracy), 87.5);
  EXPECT_EQ(testing::MetricValue(c, metric::kMacsPerImage), 1000);
  EXPECT_EQ(c.texts.at("act_scales"), "[0.5]");
  EXPECT_EQ(c.texts.at("weights"), (train / "final.pt").string());
  const auto argv = SplitLines(ReadFile((tmp.path() / "run" / "job" / "argv.txt").string()));
  const std::vector<std::string> expected = {"hweval",
                                             "--weights",
                                             (train / "final.pt").string(),
                                             "--n",
                                             "128",
                                             "--mode",
                                             "lsb",
                                             "--b-format",
                                             "sign-magnitude",
                                             "--precision",
                                             "4",
                                             "--out-bits",
                                             "8",
                                             "--a-bits",
                                             "8",
                                             "--calib",
                                             "2048",
                                             "--test-limit",
                                             "0",
                                             "--threads",
                                             "2",
                                             "--batch",
                                             "100",
                                             "--device",
                                             "cpu",
                                             "--dataset",
                                             "mnist",
                                             "--data",
                                             "/data/my mnist"};
  EXPECT_EQ(std::vector<std::string>(argv.begin(), argv.end()), expected);
}

}  // namespace
}  // namespace labq
