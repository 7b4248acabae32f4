#include "jobs/sim_job.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_util.h"
#include "dpu/dpu_vectors.h"
#include "jobs/dpu_testbench.h"
#include "jobs/kind_registry.h"
#include "sweep/sweep_parser.h"
#include "tests/job_runner.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using testing::DpuParams;
using testing::MetricValue;
using testing::RunJobForTest;

TEST(SimJob, GeneratedDpuPassesInVerilator) {
  testing::TempDir tmp;
  auto c = RunJobForTest("sim", DpuParams({{"n", 8}, {"mode", "lsb"}, {"random_vectors", 50}}),
                         tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(MetricValue(c, "mismatches"), 0);
  EXPECT_GT(MetricValue(c, "vectors"), 50);
  EXPECT_EQ(MetricValue(c, "lint_clean"), 1);
  const auto dir = tmp.path() / "job";
  for (const char* file : {"dpu_8_lsb.v", "labq_tb.v", "vectors_a.hex", "command.sh", "job.json",
                           "result.json", "simulate.stdout"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / file)) << file;
  }
}

TEST(SimJob, GeneratedDpuPassesInIcarus) {
  testing::TempDir tmp;
  auto c = RunJobForTest("sim", DpuParams({{"n", 5}, {"mode", "msb"}, {"simulator", "iverilog"}}),
                         tmp.path());
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(MetricValue(c, "mismatches"), 0);
}

/// A DPU that forgets to saturate in lsb mode must be caught.
TEST(SimJob, LsbWithoutSaturationFailsVerification) {
  testing::TempDir tmp;
  const auto wrong = tmp.path() / "wrong.v";
  WriteFileAtomically(wrong, R"(module DotProductUnit_4_lsb (
    input wire clk,
    input wire [31:0] a,
    input wire [31:0] b,
    output reg [7:0] y
);
  wire [17:0] sum = a[7:0] * b[7:0] + a[15:8] * b[15:8] + a[23:16] * b[23:16] + a[31:24] * b[31:24];
  always @(posedge clk) y <= sum[7:0];
endmodule
)");
  auto c = RunJobForTest("sim", DpuParams({{"n", 4}, {"mode", "lsb"}, {"rtl", wrong.string()}}),
                         tmp.path());
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_NE(c.error.find("verification failed"), std::string::npos) << c.error;
  EXPECT_NE(c.error.find("LABQ_MISMATCH"), std::string::npos) << c.error;
}

TEST(SimJob, MissingUserRtlNamesTheFile) {
  testing::TempDir tmp;
  auto c = RunJobForTest(
      "sim", DpuParams({{"n", 4}, {"mode", "full"}, {"rtl", "/nonexistent/dpu.v"}}), tmp.path());
  EXPECT_EQ(c.state, JobState::kFailed);
  EXPECT_NE(c.error.find("/nonexistent/dpu.v"), std::string::npos) << c.error;
}

/// A workload file is replayed with golden checks after the usual vectors.
TEST(SimJob, VectorsFileIsReplayedWithGoldenChecks) {
  testing::TempDir tmp;
  const auto file = tmp.path() / "work.hex";
  const auto random = RandomDpuVectors(2, 8, 8, 7, 9);
  std::string text = "# a b\n";
  for (size_t t = 0; t < random.size(); ++t) {
    text += PackHex(random.a[t], 8) + " " + PackHex(random.b[t], 8) + "\n";
  }
  WriteFileAtomically(file, text);
  auto plain = RunJobForTest(
      "sim", DpuParams({{"n", 2}, {"mode", "full"}, {"simulator", "iverilog"}}), tmp.path() / "p");
  auto c = RunJobForTest("sim",
                         DpuParams({{"n", 2},
                                    {"mode", "full"},
                                    {"simulator", "iverilog"},
                                    {"vectors", file.string()},
                                    {"power_vectors", 6}}),
                         tmp.path() / "w");
  ASSERT_EQ(c.state, JobState::kDone) << c.error;
  EXPECT_EQ(MetricValue(c, "mismatches"), 0);
  EXPECT_EQ(MetricValue(c, "vectors"), MetricValue(plain, "vectors") + 6);
}

/// A bad vectors file stops the sweep before any job exists: the error
/// names the sweep's `vectors:` key and the file's own line.
TEST(SimJob, BadVectorsFileIsASweepError) {
  testing::TempDir tmp;
  const auto file = tmp.path() / "bad.hex";
  WriteFileAtomically(file, "00ff 0102\n00ff 01x2\n");
  const std::string sweep =
      "name: s\ngroups:\n  - name: g\n    kind: dpu\n    params:\n"
      "      n: 2\n      mode: full\n      vectors: " +
      file.string() + "\n      power_vectors: 2\n";
  try {
    ParseSweep(BuiltinKinds(), sweep, "s.yaml");
    FAIL() << "accepted a bad vectors file";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "s.yaml:8:16: groups[0].params.vectors: " + file.string() +
                                         ":2:8: B: 'x' is not a hex digit");
  }
}

}  // namespace
}  // namespace labq
