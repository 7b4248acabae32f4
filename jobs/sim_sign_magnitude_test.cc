/// The sign-magnitude DPU (and the other widths) verified for real: the
/// rendered RTL against the golden model in Verilator and Icarus, every mode.
/// N = 8 here; N = 128 in the slow test.

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "dpu/dpu_golden.h"
#include "dpu/dpu_vectors.h"
#include "jobs/dpu_kind.h"
#include "jobs/dpu_testbench.h"
#include "tests/job_runner.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using testing::MetricValue;
using testing::RunJobForTest;

/// Verifies one configuration; returns the vectors the testbench checked.
double Verify(const nlohmann::json& overrides, const std::filesystem::path& dir) {
  const nlohmann::json params = testing::DpuParams(overrides);
  auto c = RunJobForTest("sim", params, dir);
  EXPECT_EQ(c.state, JobState::kDone) << overrides.dump() << ": " << c.error;
  if (c.state != JobState::kDone) return 0;
  EXPECT_EQ(MetricValue(c, "mismatches"), 0);
  EXPECT_EQ(MetricValue(c, "lint_clean"), 1);
  const DpuDesign design = DpuParams::From(params).Design();
  EXPECT_TRUE(std::filesystem::exists(dir / "job" / design.FileName())) << design.FileName();
  return MetricValue(c, "vectors");
}

void VerifyEveryMode(int n, int b_bits, int random_vectors) {
  testing::TempDir tmp;
  for (const char* simulator : {"verilator", "iverilog"}) {
    for (const char* mode : {"full", "msb", "lsb"}) {
      SCOPED_TRACE(std::string(simulator) + " " + mode);
      const double vectors = Verify({{"n", n},
                                     {"mode", mode},
                                     {"b_format", "sign-magnitude"},
                                     {"b_bits", b_bits},
                                     {"simulator", simulator},
                                     {"random_vectors", random_vectors}},
                                    tmp.path() / (std::string(simulator) + mode));
      EXPECT_GT(vectors, random_vectors);
    }
  }
}

TEST(SimSignMagnitude, N8EveryModeInVerilatorAndIcarus) { VerifyEveryMode(8, 8, 500); }

TEST(SimSignMagnitude, N8FourBitWeightsAndUnsignedOtherWidths) {
  testing::TempDir tmp;
  for (const char* mode : {"full", "msb", "lsb"}) {
    SCOPED_TRACE(mode);
    Verify({{"n", 8},
            {"mode", mode},
            {"b_format", "sign-magnitude"},
            {"b_bits", 4},
            {"simulator", "iverilog"},
            {"random_vectors", 500}},
           tmp.path() / (std::string("sm4") + mode));
    Verify({{"n", 5},
            {"mode", mode},
            {"a_bits", 8},
            {"b_bits", 4},
            {"simulator", "iverilog"},
            {"random_vectors", 300}},
           tmp.path() / (std::string("u4") + mode));
  }
}

/// A workload file of a8 b4 codes (negative weights included) replayed with
/// golden checks.
TEST(SimSignMagnitude, WorkloadFileOfFourBitCodesIsVerified) {
  testing::TempDir tmp;
  const DpuVectorSet random = RandomDpuVectors(2, 8, 4, 9, 4);
  std::string text;
  for (size_t t = 0; t < random.size(); ++t) {
    text += PackHex(random.a[t], 8) + " " + PackHex(random.b[t], 4) + "\n";
  }
  WriteFileAtomically(tmp.path() / "work.hex", text);
  const double plain = Verify({{"n", 2},
                               {"mode", "lsb"},
                               {"out_bits", 6},
                               {"b_format", "sign-magnitude"},
                               {"b_bits", 4},
                               {"simulator", "iverilog"}},
                              tmp.path() / "p");
  const double with_file = Verify({{"n", 2},
                                   {"mode", "lsb"},
                                   {"out_bits", 6},
                                   {"b_format", "sign-magnitude"},
                                   {"b_bits", 4},
                                   {"simulator", "iverilog"},
                                   {"vectors", (tmp.path() / "work.hex").string()},
                                   {"power_vectors", 9}},
                                  tmp.path() / "w");
  EXPECT_EQ(with_file, plain + 9);
}

TEST(SimSignMagnitudeSlow, N128EveryModeInVerilatorAndIcarus) { VerifyEveryMode(128, 8, 300); }

}  // namespace
}  // namespace labq
