#include "qat/device_step.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "qat/trainer.h"

namespace labq::qat {
namespace {

namespace fs = std::filesystem;
using torch::Tensor;

bool HaveFashionMnist() {
  return fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

/// Whether this build can reach a GPU (never on the Debian CPU LibTorch).
bool CudaUsable() { return BuiltWithCuda() && torch::cuda::device_count() > 0; }

TEST(Device, ParsesTheFourForms) {
  EXPECT_EQ(ParseDevice("auto").kind, DeviceChoice::Kind::kAuto);
  EXPECT_EQ(ParseDevice("cpu").kind, DeviceChoice::Kind::kCpu);
  const DeviceChoice cuda = ParseDevice("cuda");
  EXPECT_EQ(cuda.kind, DeviceChoice::Kind::kCuda);
  EXPECT_EQ(cuda.index, -1);
  const DeviceChoice seven = ParseDevice("cuda:7");
  EXPECT_EQ(seven.index, 7);
  EXPECT_EQ(DeviceText(seven), "cuda:7");
  for (const char* bad : {"gpu", "cuda:", "cuda:x", "cuda:-1", "CPU", "cuda:1234", ""}) {
    EXPECT_THROW(ParseDevice(bad), std::invalid_argument) << bad;
  }
}

TEST(Device, CpuAndAutoResolveHere) {
  EXPECT_TRUE(ResolveDevice(ParseDevice("cpu"), false).is_cpu());
  const torch::Device automatic = ResolveDevice(ParseDevice("auto"), false);
  EXPECT_EQ(automatic.is_cuda(), CudaUsable());
  EXPECT_EQ(DeviceName(torch::Device(torch::kCPU)), "cpu");
  EXPECT_EQ(DeviceName(torch::Device(torch::kCUDA, 0)), "cuda:0");
}

TEST(Device, CudaWithoutCudaIsRefusedNamingCuda) {
  if (CudaUsable()) GTEST_SKIP() << "a GPU is usable here";
  try {
    ResolveDevice(ParseDevice("cuda"), false);
    FAIL() << "--device cuda accepted without CUDA";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("--device cuda: ", 0), 0u) << what;
    EXPECT_NE(what.find("CUDA"), std::string::npos) << what;
  }
}

TEST(Device, IndexBeyondTheVisibleDevicesIsRefused) {
  const int beyond = static_cast<int>(torch::cuda::device_count()) + 6;
  DeviceChoice d = ParseDevice("cuda:" + std::to_string(beyond));
  try {
    ResolveDevice(d, false);
    FAIL() << "cuda:" << beyond << " accepted";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cuda:" + std::to_string(beyond)), std::string::npos) << what;
    if (BuiltWithCuda()) {
      EXPECT_NE(what.find("visible"), std::string::npos) << what;
    }
  }
}

TEST(Device, AmpNeedsCuda) {
  EXPECT_THROW(ResolveDevice(ParseDevice("cpu"), true), std::invalid_argument);
  if (!CudaUsable()) {
    try {
      ResolveDevice(ParseDevice("auto"), true);
      FAIL() << "--amp accepted on the CPU";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--amp: ", 0), 0u) << e.what();
    }
  }
}

/// A small synthetic split: random bytes, 3 channels so that NHWC and NCHW differ.
ImageSet RandomImages(std::int64_t count) {
  ImageSet set;
  set.count = count;
  set.channels = 3;
  set.height = 5;
  set.width = 4;
  set.pixels.resize(static_cast<std::size_t>(count * set.ImageBytes()));
  set.labels.resize(static_cast<std::size_t>(count));
  Rng rng(9);
  for (auto& p : set.pixels) p = static_cast<std::uint8_t>(rng.Below(256));
  for (auto& l : set.labels) l = static_cast<std::uint8_t>(rng.Below(10));
  return set;
}

TEST(ResidentImages, GathersTheSameFloatsAsTheHostBatcher) {
  const ImageSet set = RandomImages(23);
  Normalization norm;
  norm.mean = {0.1f, 0.2f, 0.3f};
  norm.stddev = {0.5f, 0.25f, 0.125f};
  const ResidentImages resident(set, norm, torch::kCPU);
  EXPECT_EQ(resident.count(), 23);
  const std::vector<std::int64_t> idx = {7, 0, 22, 7, 13};
  std::vector<float> host(idx.size() * static_cast<std::size_t>(set.ImageBytes()));
  GatherBatch(set, norm, idx.data(), static_cast<std::int64_t>(idx.size()), false, nullptr,
              host.data());
  auto [x, y] = resident.Gather(torch::tensor(idx));
  ASSERT_EQ(x.sizes(), (std::vector<std::int64_t>{5, 3, 5, 4}));
  EXPECT_TRUE(x.is_contiguous(torch::MemoryFormat::ChannelsLast));
  const Tensor nhwc = x.permute({0, 2, 3, 1}).contiguous();
  const Tensor want = torch::from_blob(host.data(), {5, 5, 4, 3});
  EXPECT_TRUE(torch::equal(nhwc, want));
  for (std::size_t i = 0; i < idx.size(); ++i) {
    EXPECT_EQ(y[static_cast<std::int64_t>(i)].item<std::int64_t>(), set.labels[idx[i]]);
  }
  auto [xs, ys] = resident.Slice(20, 3);
  EXPECT_TRUE(torch::equal(xs, resident.Gather(torch::tensor({20L, 21L, 22L})).first));
  EXPECT_EQ(ys.size(0), 3);
}

TEST(DeviceSgd, FollowsTorchSgdWithMomentumAndWeightDecay) {
  torch::manual_seed(2);
  const Tensor init = torch::randn({6, 4});
  Tensor a = init.clone().requires_grad_(true);
  Tensor b = init.clone().requires_grad_(true);
  torch::optim::SGD reference({a}, torch::optim::SGDOptions(0.1).momentum(0.9).weight_decay(5e-4));
  DeviceSgd sgd({b}, 0.9, 5e-4);
  const double lrs[] = {0.1, 0.07, 0.03, 0.01, 0.001};
  for (double lr : lrs) {
    const Tensor g = torch::randn({6, 4});
    a.mutable_grad() = g.clone();
    b.mutable_grad() = g.clone();
    for (auto& group : reference.param_groups()) group.options().set_lr(lr);
    reference.step();
    sgd.SetLr(lr);
    sgd.Step();
  }
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-6)) << (a - b).abs().max().item<float>();
  EXPECT_FALSE(torch::equal(a, init));
}

class Scratch : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("labqat_dev_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }
  static Options Small() {
    Options o;
    o.epochs = 1;
    o.train_limit = 512;
    o.test_limit = 300;
    o.batch = 64;
    o.threads = 2;
    o.k = "3";
    o.device = ParseDevice("cpu");
    return o;
  }
  fs::path dir_;
};

using SaveOnCpuTest = Scratch;
using DevicePath = Scratch;

TEST_F(SaveOnCpuTest, WritesWhatModuleSaveWrites) {
  // Same bytes as Module::save: PyTorch (torch.jit.load) reads it the same way.
  torch::manual_seed(1);
  auto net = MakeNet("cnn", 1, 28, 10);
  fs::create_directories(Path("a"));
  fs::create_directories(Path("b"));
  {
    torch::serialize::OutputArchive archive;
    net->save(archive);
    archive.save_to(Path("a/w.pt"));
  }
  {
    torch::serialize::OutputArchive archive;
    SaveOnCpu(*net, archive);
    archive.save_to(Path("b/w.pt"));
  }
  const std::string a = Bytes(Path("a/w.pt")), b = Bytes(Path("b/w.pt"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b);  // no binary dump on failure
}

TEST_F(DevicePath, TrainsLikeTheHostPathAndItsFileEvaluatesOnTheCpu) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  // The CUDA code path minus the graph (resident data, device gather, device
  // SGD, loss summed on the device), run on the CPU against the host path.
  auto run = [&](bool resident, const std::string& out) {
    Options o = Small();
    o.resident = resident;
    o.loss_every = 3;
    o.out = Path(out);
    std::ostringstream json_out, log;
    return RunTraining(o, json_out, log);
  };
  const auto host = run(false, "host.pt");
  const auto device = run(true, "device.pt");
  EXPECT_EQ(device["device"], "cpu");
  EXPECT_EQ(device["cuda_graph"], false);
  // Same batches in the same order; only the SGD's rounding differs.
  EXPECT_NEAR(device["loss"].get<double>(), host["loss"].get<double>(),
              1e-3 * host["loss"].get<double>());
  EXPECT_NEAR(device["acc_fp"].get<double>(), host["acc_fp"].get<double>(), 2.0);
  const nlohmann::json sidecar = ReadSidecar(Path("device.pt"));
  EXPECT_EQ(sidecar["device"], "cpu");

  Options e;
  e.init = Path("device.pt");
  e.device = ParseDevice("cpu");
  std::ostringstream log;
  const EvalReport r = RunEval(e, log);
  EXPECT_EQ(r.device, "cpu");
  EXPECT_EQ(std::stod(r.acc8), device["acc8"].get<double>());
  EXPECT_EQ(std::stod(r.acc4), device["acc4"].get<double>());
}

TEST_F(DevicePath, WeightsOfAnotherModelAreRefusedBeforeAnyOutput) {
  if (!HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  Options o = Small();
  o.train_limit = 128;
  o.test_limit = 50;
  o.out = Path("fp.pt");
  std::ostringstream json_out, log;
  RunTraining(o, json_out, log);
  // Replace the weights by a ResNet-20's, keeping the cnn sidecar.
  auto other = MakeNet("resnet20", 1, 28, 10);
  {
    torch::serialize::OutputArchive archive;
    SaveOnCpu(*other, archive);
    archive.save_to(Path("fp.pt"));
  }
  Options t = Small();
  t.mode = Mode::kNested;
  t.init = Path("fp.pt");
  t.out = Path("out/q.pt");
  try {
    RunTraining(t, json_out, log);
    FAIL() << "weights of another model accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(Path("fp.pt")), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cnn"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(Path("out")));
  Options ev;
  ev.init = Path("fp.pt");
  EXPECT_THROW(RunEval(ev, log), std::runtime_error);
}

}  // namespace
}  // namespace labq::qat
