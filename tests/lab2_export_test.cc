/// labq export lab2: the six Verilog files and the tarball, whose contents
/// must pass the verification testbench again.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "tests/job_runner.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

SubprocessResult RunTool(const testing::TempDir& tmp, std::vector<std::string> argv,
                         const std::string& log) {
  SubprocessSpec spec;
  spec.argv = std::move(argv);
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / (log + ".out");
  spec.stderr_path = tmp.path() / (log + ".err");
  return RunSubprocess(spec);
}

SubprocessResult Labq(const testing::TempDir& tmp, const std::vector<std::string>& args,
                      const std::string& log) {
  return testing::RunLabqCli(tmp.path(), (tmp.path() / "r.db").string(), args, log);
}

TEST(Lab2Export, WritesTheSixVerifiedFilesAndTheTarball) {
  testing::TempDir tmp;
  WriteFileAtomically(tmp.path() / "verify.yaml", R"(name: verify_all
defaults: {input_bits: 8, simulator: iverilog, random_vectors: 20}
groups:
  - name: dpu
    kind: sim
    grid:
      n: [8, 128]
      mode: [full, msb, lsb]
)");
  auto run = Labq(tmp, {"run", "verify.yaml", "--quiet"}, "run");
  ASSERT_TRUE(run.Succeeded()) << ReadFile((tmp.path() / "run.err").string());

  auto exported = Labq(tmp,
                       {"export", "lab2", "--sweep", "verify_all", "--uid", "123456789", "--last",
                        "Doe", "--first", "Jane", "--pin", "4242", "--out", "submit"},
                       "export");
  ASSERT_TRUE(exported.Succeeded()) << ReadFile((tmp.path() / "export.err").string());
  const auto tarball = tmp.path() / "submit" / "123456789_Doe_Jane_Lab2p1_pin4242.tar.gz";
  ASSERT_TRUE(std::filesystem::exists(tarball));
  struct stat st {};
  ASSERT_EQ(::stat(tarball.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0044, 0044u);  // group and others can read

  std::filesystem::create_directories(tmp.path() / "unpacked");
  auto untar = RunTool(tmp, {"tar", "-xzf", tarball.string(), "-C", "unpacked"}, "untar");
  ASSERT_TRUE(untar.Succeeded());
  for (int n : {8, 128}) {
    for (const char* mode : {"full", "msb", "lsb"}) {
      const auto file = tmp.path() / "unpacked" / ("dpu_" + std::to_string(n) + "_" + mode + ".v");
      ASSERT_TRUE(std::filesystem::exists(file)) << file;
      testing::TempDir verify;
      auto c = testing::RunJobForTest("sim",
                                      testing::DpuParams({{"n", n},
                                                          {"mode", mode},
                                                          {"simulator", "iverilog"},
                                                          {"random_vectors", 20},
                                                          {"seed", 99},
                                                          {"rtl", file.string()}}),
                                      verify.path());
      EXPECT_EQ(c.state, JobState::kDone) << file << ": " << c.error;
    }
  }
}

TEST(Lab2Export, ListsWhatIsMissing) {
  testing::TempDir tmp;
  WriteFileAtomically(tmp.path() / "small.yaml", R"(name: small
defaults: {simulator: iverilog, random_vectors: 5}
groups:
  - {name: dpu, kind: sim, params: {n: 8, mode: full}}
)");
  ASSERT_TRUE(Labq(tmp, {"run", "small.yaml", "--quiet"}, "run").Succeeded());
  auto exported = Labq(tmp,
                       {"export", "lab2", "--sweep", "small", "--uid", "1", "--last", "Doe",
                        "--first", "Jane", "--pin", "1", "--out", "submit"},
                       "export");
  EXPECT_EQ(exported.exit_code, 2);
  const std::string err = ReadFile((tmp.path() / "export.err").string());
  EXPECT_NE(err.find("dpu_8_msb.v"), std::string::npos) << err;
  EXPECT_NE(err.find("dpu_128_lsb.v"), std::string::npos) << err;
  EXPECT_EQ(err.find("dpu_8_full.v"), std::string::npos) << err;
}

TEST(Lab2Export, RejectsUnsafeNames) {
  testing::TempDir tmp;
  auto exported = Labq(tmp,
                       {"export", "lab2", "--sweep", "x", "--uid", "1;rm", "--last", "D", "--first",
                        "J", "--pin", "1", "--out", "o"},
                       "export");
  EXPECT_EQ(exported.exit_code, 2);
}

}  // namespace
}  // namespace labq
