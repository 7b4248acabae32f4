/// `labqat hweval`'s DPU arithmetic against the RTL: `labqat dpu-calls`
/// writes random calls with the outputs of the evaluator's own tensor op;
/// the DPU Verilog labq renders (jobs/dpu_rtl.h) replays them in Icarus
/// through labq's self-checking testbench, which compares every output.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/file_util.h"
#include "common/text.h"
#include "dpu/dpu_design.h"
#include "dpu/dpu_vectors.h"
#include "jobs/dpu_rtl.h"
#include "jobs/dpu_testbench.h"
#include "process/subprocess.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

namespace fs = std::filesystem;

constexpr int kCalls = 10000;

std::string Labqat() { return testing::BinaryDir() + "/qat/labqat"; }

/// Elements of a hex word, element i at bits [i*bits +: bits].
std::vector<uint32_t> Unpack(const std::string& hex, int n, int bits) {
  std::vector<uint32_t> out(n, 0);
  const int digits = static_cast<int>(hex.size());
  for (int d = 0; d < digits; ++d) {
    const char c = hex[digits - 1 - d];
    const int v = c <= '9' ? c - '0' : c - 'a' + 10;
    for (int bit = 0; bit < 4; ++bit) {
      const int pos = d * 4 + bit;
      if (((v >> bit) & 1) && pos < n * bits) out[pos / bits] |= 1u << (pos % bits);
    }
  }
  return out;
}

/// Runs argv in `dir`; returns stdout, fails the test unless it exits with
/// `want_exit` (the last line of stderr is left in `stderr_tail`).
std::string RunTool(const std::vector<std::string>& argv, const fs::path& dir, int want_exit = 0,
                    std::string* stderr_tail = nullptr) {
  SubprocessSpec s;
  s.argv = argv;
  s.working_dir = dir;
  s.stdout_path = dir / "out.txt";
  s.stderr_path = dir / "err.txt";
  const SubprocessResult r = RunSubprocess(s);
  const std::string err = ReadFile(s.stderr_path.string());
  EXPECT_TRUE(r.end == SubprocessResult::End::kExited && r.exit_code == want_exit)
      << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": " << r.Describe() << "\n"
      << err;
  if (stderr_tail) {
    auto lines = SplitLines(err);
    while (!lines.empty() && Trim(lines.back()).empty()) lines.pop_back();
    *stderr_tail = lines.empty() ? "" : lines.back();
  }
  return ReadFile(s.stdout_path.string());
}

/// The calls `labqat dpu-calls` wrote, with y as the output register's bits.
std::vector<DpuVector> ReadCalls(const fs::path& path, const DpuDesign& d) {
  std::vector<DpuVector> calls;
  for (const std::string& line : SplitLines(ReadFile(path.string()))) {
    if (line.empty() || line[0] == '#') continue;
    const auto words = SplitWhitespace(line);
    EXPECT_EQ(words.size(), 3u) << line;
    if (words.size() != 3) break;
    DpuVector v;
    v.a = Unpack(words[0], d.n, d.a_bits);
    v.b = Unpack(words[1], d.n, d.b_bits);
    const long long y = std::stoll(words[2]);
    const int bits = d.OutputBits();
    v.expected = static_cast<uint64_t>(y) & ((uint64_t{1} << bits) - 1);
    v.why = "hweval";
    calls.push_back(std::move(v));
  }
  return calls;
}

/// Renders the design and runs `calls` through Icarus; returns errors.
int SimulatedErrors(const DpuDesign& d, const std::vector<DpuVector>& calls, const fs::path& dir,
                    int* simulated) {
  WriteFileAtomically(dir / d.FileName(), RenderDpuVerilog(d));
  WriteDpuTestbench(d, calls, dir);
  RunTool({"iverilog", "-g2012", "-s", "labq_tb", "-o", "labq_tb.vvp", "labq_tb.v", d.FileName()},
          dir);
  const std::string out = RunTool({"vvp", "-n", "labq_tb.vvp"}, dir);
  int vectors = -1, errors = -1;
  const size_t at = out.find("LABQ_SIM_RESULT");
  if (at == std::string::npos ||
      std::sscanf(out.c_str() + at, "LABQ_SIM_RESULT vectors=%d errors=%d", &vectors, &errors) !=
          2) {
    ADD_FAILURE() << "no result line from the testbench:\n" << out;
  }
  *simulated = vectors;
  return errors;
}

/// Every (N in {8, 128}, mode) of one DPU format and weight width: 10,000+
/// calls each, all outputs equal.
void CheckFormat(BFormat format, int b_bits) {
  if (!fs::exists(Labqat())) GTEST_SKIP() << "labqat not built (LABQ_BUILD_QAT=OFF)";
  if (!FindExecutable("iverilog")) GTEST_SKIP() << "iverilog not installed";
  testing::TempDir tmp;
  const bool sm = format == BFormat::kSignMagnitude;
  for (int n : {8, 128}) {
    for (const char* mode : {"full", "msb", "lsb"}) {
      DpuDesign d;
      d.n = n;
      d.a_bits = 8;
      d.b_bits = b_bits;
      d.b_format = format;
      d.mode = ParseDpuMode(mode);
      d.out_bits = 8;
      const fs::path dir = tmp.path() / (std::to_string(n) + mode);
      fs::create_directories(dir);
      RunTool({Labqat(),     "dpu-calls", "--n",        std::to_string(n),
               "--mode",     mode,        "--b-format", sm ? "sign-magnitude" : "unsigned-split",
               "--a-bits",   "8",         "--b-bits",   std::to_string(b_bits),
               "--out-bits", "8",         "--count",    std::to_string(kCalls),
               "--seed",     "7",         "--out",      (dir / "calls.txt").string()},
              dir);
      std::vector<DpuVector> calls = ReadCalls(dir / "calls.txt", d);
      ASSERT_GE(calls.size(), static_cast<size_t>(kCalls));
      size_t negative = 0;
      for (const DpuVector& v : calls) negative += sm && (v.expected >> (d.OutputBits() - 1)) & 1;
      if (sm) {
        EXPECT_GT(negative, calls.size() / 10) << "negative outputs";
      }
      int simulated = 0;
      EXPECT_EQ(SimulatedErrors(d, calls, dir, &simulated), 0) << d.ModuleName();
      EXPECT_EQ(simulated, static_cast<int>(calls.size()));
      std::printf("hweval vs RTL: %s (%s): %d calls, all equal\n", d.ModuleName().c_str(),
                  d.FormatText().c_str(), simulated);
      if (n == 8 && std::string(mode) == "lsb") {
        // The comparison can fail: one wrong expected output is caught.
        calls.resize(100);
        calls[42].expected ^= 1;
        EXPECT_EQ(SimulatedErrors(d, calls, dir, &simulated), 1);
      }
    }
  }
}

TEST(HwevalRtl, UnsignedSplitCallsEqualTheLabDpuInIcarus) { CheckFormat(BFormat::kUnsigned, 8); }

TEST(HwevalRtl, SignMagnitudeCallsEqualTheSignedDpuInIcarus) {
  CheckFormat(BFormat::kSignMagnitude, 8);
}

/// The 4-bit weight DPUs (precision 4): the same check, under `slow`.
TEST(HwevalRtlSlow, FourBitWeightCallsEqualTheRtlInIcarus) {
  CheckFormat(BFormat::kUnsigned, 4);
  CheckFormat(BFormat::kSignMagnitude, 4);
}

TEST(HwevalRtl, WorkloadVectorsReadByTheDpuReaderAndBadFlagsRefused) {
  if (!fs::exists(Labqat())) GTEST_SKIP() << "labqat not built (LABQ_BUILD_QAT=OFF)";
  testing::TempDir tmp;
  const fs::path dir = tmp.path();
  const std::string w = (dir / "fp.pt").string();
  RunTool({Labqat(), "pretrain", "--epochs", "1", "--train-limit", "600", "--test-limit", "50",
           "--threads", "1", "--out", w},
          dir);
  const std::vector<std::string> base = {Labqat(),       "hweval", "--weights",  w,
                                         "--test-limit", "40",     "--calib",    "64",
                                         "--threads",    "1",      "--b-format", "sign-magnitude"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  };
  const fs::path vectors = dir / "workload.hex";
  const std::string out =
      RunTool(with({"--n", "8", "--mode", "msb", "--precision", "8", "--vectors-out",
                    vectors.string(), "--vectors-count", "300", "--vectors-seed", "3"}),
              dir);
  EXPECT_NE(out.find("\"type\":\"hweval\""), std::string::npos) << out;
  EXPECT_NE(out.find("Accuracy of 8-bit version on the DPU (N=8, msb, sign-magnitude) is "),
            std::string::npos)
      << out;
  // dpu/'s reader takes the file (N = 8, 8-bit a and b) and every vector.
  const DpuVectorSet set = ReadDpuVectorFile(vectors.string(), 8, 8, 8, 300);
  ASSERT_EQ(set.size(), 300u);
  size_t zero_a = 0, negative_b = 0, elements = 0;
  for (size_t t = 0; t < set.size(); ++t) {
    for (int i = 0; i < 8; ++i, ++elements) {
      zero_a += set.a[t][i] == 0;
      negative_b += (set.b[t][i] & 0x80) != 0;
    }
  }
  // The network's real workload: ReLU zeros and padding, negative weights.
  EXPECT_GT(zero_a, elements / 20);
  EXPECT_GT(negative_b, elements / 20);
  EXPECT_LT(zero_a, elements);

  // 4-bit weights on the unsigned DPU: b is the 4-bit magnitude of a half.
  const fs::path vectors4 = dir / "workload4.hex";
  std::vector<std::string> split =
      with({"--n", "128", "--mode", "lsb", "--precision", "4", "--vectors-out", vectors4.string(),
            "--vectors-count", "100"});
  std::replace(split.begin(), split.end(), std::string("sign-magnitude"),
               std::string("unsigned-split"));
  RunTool(split, dir);
  EXPECT_EQ(ReadDpuVectorFile(vectors4.string(), 128, 8, 4, 100).size(), 100u);

  std::string err;
  RunTool(with({"--n", "1000", "--mode", "msb", "--precision", "8"}), dir, 1, &err);
  EXPECT_NE(err.find("labqat: error: --n: 1000 is larger than the largest conv's K"),
            std::string::npos)
      << err;
  RunTool(with({"--n", "8", "--mode", "msb", "--precision", "8", "--out-bits", "20"}), dir, 1,
          &err);
  EXPECT_NE(err.find("labqat: error: --out-bits: 20 is wider than the sum"), std::string::npos)
      << err;
  RunTool(with({"--n", "8", "--mode", "lsb", "--precision", "4", "--out-bits", "15"}), dir, 1,
          &err);
  EXPECT_NE(err.find("labqat: error: --out-bits: lsb must keep fewer bits"), std::string::npos)
      << err;
  fs::remove(w + ".json");
  RunTool(with({"--n", "8", "--mode", "msb", "--precision", "8"}), dir, 1, &err);
  EXPECT_NE(err.find("fp.pt.json: missing sidecar"), std::string::npos) << err;
}

}  // namespace
}  // namespace labq
