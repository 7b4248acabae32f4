#include "qat/trainer.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace labq::qat {
namespace {

namespace fs = std::filesystem;

bool HaveFashionMnist() {
  return fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

/// Per-test scratch folder.
class Scratch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("labqat_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  /// Small, fast run: a slice of Fashion-MNIST, one epoch.
  static Options Small(std::int64_t train_limit, std::int64_t test_limit) {
    Options o;
    o.epochs = 1;
    o.train_limit = train_limit;
    o.test_limit = test_limit;
    o.batch = 64;
    o.threads = 2;
    return o;
  }

  static std::vector<nlohmann::json> JsonLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  struct Result {
    int rc;
    std::string out, err;
  };
  /// Runs labqat (path from CMake) with stdout/stderr captured.
  Result Labqat(const std::string& args) {
    const std::string out = Path("stdout"), err = Path("stderr");
    const std::string cmd = std::string(LABQAT_BINARY) + " " + args + " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    auto slurp = [](const std::string& p) {
      std::ifstream f(p);
      return std::string((std::istreambuf_iterator<char>(f)), {});
    };
    return {WEXITSTATUS(status), slurp(out), slurp(err)};
  }

  fs::path dir_;
};

using LabqatCli = Scratch;
using TrainerSlow = Scratch;

TEST_F(LabqatCli, RejectsMoreThanThirtyEpochsNamingTheFlag) {
  Result r = Labqat("pretrain --out " + Path("fp.pt") + " --epochs 31");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("--epochs"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.out.empty());

  Options o = Small(10, 10);
  o.epochs = 31;
  o.out = Path("x.pt");
  std::ostringstream out, log;
  EXPECT_THROW(RunTraining(o, out, log), std::invalid_argument);
}

TEST_F(LabqatCli, MissingInitAndDataAreNamed) {
  Result r = Labqat("train --mode q8 --init " + Path("absent.pt") + " --out " + Path("q8.pt"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find(Path("absent.pt")), std::string::npos) << r.err;

  r = Labqat("pretrain --dataset mnist --data " + Path("nodata") + " --out " + Path("fp.pt"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find(Path("nodata")), std::string::npos) << r.err;

  r = Labqat("train --mode q9 --init a --out b");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("--mode"), std::string::npos) << r.err;

  r = Labqat("eval --weights " + Path("absent.pt"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find(Path("absent.pt")), std::string::npos) << r.err;
}

TEST_F(LabqatCli, HelpDocumentsTheFourBitRule) {
  Result r = Labqat("train --help");
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("q4 = (q >> k) & 7"), std::string::npos);
  EXPECT_NE(r.out.find("--bn"), std::string::npos);
}

TEST_F(LabqatCli, DeviceCudaWithoutCudaFailsAtOnceWritingNothing) {
  // Debian's LibTorch has no CUDA: the device is checked before any data is
  // read or file written, and the one error line names CUDA.
  Result help = Labqat("train --help");
  ASSERT_NE(help.out.find("--device"), std::string::npos);
  for (const std::string& cmd :
       {"pretrain --out " + Path("out/fp.pt"),
        "train --mode nested --init " + Path("absent.pt") + " --out " + Path("out/q.pt"),
        "eval --weights " + Path("absent.pt")}) {
    Result r = Labqat(cmd + " --device cuda");
    if (r.rc == 0) GTEST_SKIP() << "this labqat has CUDA and a GPU";
    EXPECT_EQ(r.rc, 1) << cmd;
    EXPECT_NE(r.err.find("--device cuda"), std::string::npos) << r.err;
    if (r.err.find("without CUDA") == std::string::npos) {
      GTEST_SKIP() << "this labqat has CUDA: " << r.err;
    }
    EXPECT_NE(r.err.find("CUDA"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  EXPECT_FALSE(fs::exists(Path("out")));
}

TEST_F(LabqatCli, BadDeviceIndexAndAmpOnCpuAreRefusedWritingNothing) {
  Result r = Labqat("pretrain --out " + Path("out/fp.pt") + " --device cuda:7");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("--device cuda:7"), std::string::npos) << r.err;
  r = Labqat("pretrain --out " + Path("out/fp.pt") + " --device gpu");
  EXPECT_NE(r.rc, 0);
  EXPECT_NE(r.err.find("--device"), std::string::npos) << r.err;
  r = Labqat("pretrain --out " + Path("out/fp.pt") + " --device cpu --amp");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("--amp"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("CUDA"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_FALSE(fs::exists(Path("out")));
}

TEST(Format, TwoDecimals) {
  EXPECT_EQ(FormatPercent(9123, 10000), "91.23");
  EXPECT_EQ(FormatPercent(2, 3), "66.67");
  EXPECT_EQ(FormatPercent(1, 1), "100.00");
}

TEST_F(TrainerSlow, OneEpochOnFourThousandImagesBeatsChance) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  Options o = Small(4000, 2000);
  o.out = Path("fp.pt");
  std::ostringstream out, log;
  const auto fin = RunTraining(o, out, log);
  EXPECT_GT(fin["acc_fp"].get<double>(), 60.0) << log.str();
  const auto lines = JsonLines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["type"], "epoch");
  for (const char* key : {"epoch", "loss", "acc_fp", "seconds", "images_per_s"}) {
    EXPECT_TRUE(lines[0].contains(key)) << key;
  }
  EXPECT_EQ(lines[1]["type"], "final");
  for (const char* key : {"mode", "acc_fp", "acc8", "acc4", "k", "rule", "bn", "epochs",
                          "train_seconds", "images_per_s", "weights"}) {
    EXPECT_TRUE(lines[1].contains(key)) << key;
  }
  EXPECT_EQ(lines[1]["k"].size(), 4u);
  EXPECT_TRUE(fs::exists(Path("fp.pt")));
  EXPECT_TRUE(fs::exists(Path("fp.pt.json")));
  EXPECT_TRUE(fs::exists(Path("fp.ckpt.pt")));
}

TEST_F(TrainerSlow, SameSeedSameResult) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  // Same file name in separate folders: the archive records its own name.
  auto run = [&](std::uint64_t seed, const std::string& folder) {
    Options o = Small(1024, 500);
    o.seed = seed;
    o.out = Path(folder + "/w.pt");
    std::ostringstream out, log;
    auto fin = RunTraining(o, out, log);
    nlohmann::json epoch = JsonLines(out.str())[0];
    return std::make_pair(fin, epoch);
  };
  const auto [a, ea] = run(11, "a");
  const auto [b, eb] = run(11, "b");
  const auto [c, ec] = run(12, "c");
  EXPECT_EQ(ea["loss"], eb["loss"]);
  EXPECT_EQ(a["acc_fp"], b["acc_fp"]);
  EXPECT_EQ(a["acc4"], b["acc4"]);
  EXPECT_EQ(a["k"], b["k"]);
  EXPECT_NE(ea["loss"], ec["loss"]);
  auto bytes = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  };
  EXPECT_TRUE(bytes(Path("a/w.pt")) == bytes(Path("b/w.pt")));  // no binary dump on failure
}

TEST_F(TrainerSlow, EvalPrintsWhatTrainReportedForTheFile) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  const std::string limits = " --train-limit 2000 --test-limit 1000 --batch 64 --epochs 1";
  Result pre = Labqat("pretrain --out " + Path("fp.pt") + limits);
  ASSERT_EQ(pre.rc, 0) << pre.err;
  for (const std::string mode : {"nested", "q8"}) {
    Result tr = Labqat("train --mode " + mode + " --init " + Path("fp.pt") + " --out " +
                       Path(mode + ".pt") + limits);
    ASSERT_EQ(tr.rc, 0) << tr.err;
    const auto lines = JsonLines(tr.out);
    const nlohmann::json& fin = lines.back();
    ASSERT_EQ(fin["type"], "final");
    EXPECT_EQ(fin["mode"], mode);

    Result ev = Labqat("eval --weights " + Path(mode + ".pt"));
    ASSERT_EQ(ev.rc, 0) << ev.err;
    const std::regex re(
        R"((?:.*\n)?Accuracy of 8-bit version is (\d+\.\d\d)%\nAccuracy of 4-bit version is (\d+\.\d\d)%\n$)");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(ev.out, m, re)) << ev.out;
    char want8[16], want4[16];
    std::snprintf(want8, sizeof want8, "%.2f", fin["acc8"].get<double>());
    std::snprintf(want4, sizeof want4, "%.2f", fin["acc4"].get<double>());
    EXPECT_EQ(m[1].str(), want8) << mode;
    EXPECT_EQ(m[2].str(), want4) << mode;
  }
}

}  // namespace
}  // namespace labq::qat
