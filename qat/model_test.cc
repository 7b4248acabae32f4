#include "qat/model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace labq::qat {
namespace {

namespace fs = std::filesystem;
using torch::Tensor;

/// Fake-quant written with plain torch ops, as a PyTorch user would: the
/// fused kernel must reproduce it bit for bit.
std::pair<Tensor, Tensor> ReferenceFakeQuant(const Tensor& w, int k, Rule rule) {
  const Tensor s = w.abs().max() / 127.0;
  const Tensor q = torch::clamp(torch::round(w.abs() / s), 0, 127);
  const double step = std::ldexp(1.0, k);
  Tensor q4;
  if (rule == Rule::kTruncate) {
    q4 = torch::remainder(torch::floor(q / step), 8);
  } else {
    q4 = torch::clamp_max(torch::floor((q + (k > 0 ? step / 2 : 0.0)) / step), 7);
  }
  return {torch::sign(w) * (q * s), torch::sign(w) * ((q4 * step) * s)};
}

TEST(FakeQuant, MatchesPlainTorchOpsBitForBit) {
  torch::manual_seed(3);
  const Tensor w =
      (torch::randn({16, 8, 3, 3}) * 0.1).contiguous(torch::MemoryFormat::ChannelsLast);
  for (Rule rule : {Rule::kTruncate, Rule::kRound}) {
    for (int k = 0; k <= kMaxShift; ++k) {
      auto [w8, w4] = FakeQuant(w, QuantSpec{k, rule, false}, true, true);
      auto [r8, r4] = ReferenceFakeQuant(w, k, rule);
      EXPECT_TRUE(torch::equal(w8, r8)) << "k " << k;
      EXPECT_TRUE(torch::equal(w4, r4)) << "k " << k << " rule " << RuleName(rule);
      EXPECT_EQ(w8.strides(), w.strides());  // stays channels-last
    }
  }
}

TEST(FakeQuant, PerChannelUsesOneScalePerOutputChannel) {
  torch::manual_seed(4);
  const Tensor w = torch::randn({4, 3, 3, 3}).contiguous(torch::MemoryFormat::ChannelsLast);
  auto [w8, w4] = FakeQuant(w, QuantSpec{3, Rule::kTruncate, true}, true, false);
  EXPECT_FALSE(w4.defined());
  for (int c = 0; c < 4; ++c) {
    const Tensor wc = w[c].contiguous();
    auto [r8, r4] = ReferenceFakeQuant(wc, 3, Rule::kTruncate);
    EXPECT_TRUE(torch::equal(w8[c].contiguous(), r8)) << c;
  }
}

TEST(FakeQuant, StraightThroughGradientIsIdentity) {
  torch::manual_seed(5);
  const Tensor w = torch::randn({6, 2, 3, 3}, torch::requires_grad());
  const Tensor a = torch::randn({6, 2, 3, 3});
  const Tensor b = torch::randn({6, 2, 3, 3});
  {
    auto [w8, w4] = FakeQuant(w, QuantSpec{2, Rule::kTruncate, false}, true, false);
    (w8 * a).sum().backward();
    EXPECT_TRUE(torch::equal(w.grad(), a));
  }
  w.mutable_grad() = Tensor();
  {
    // Nested: one node, both outputs, gradients add.
    auto [w8, w4] = FakeQuant(w, QuantSpec{2, Rule::kTruncate, false}, true, true);
    ((w8 * a).sum() + (w4 * b).sum()).backward();
    EXPECT_TRUE(torch::allclose(w.grad(), a + b));
  }
  w.mutable_grad() = Tensor();
  {
    // Even where truncation wraps a large weight to a small value.
    auto [w8, w4] = FakeQuant(w, QuantSpec{0, Rule::kTruncate, false}, false, true);
    (w4 * b).sum().backward();
    EXPECT_TRUE(torch::equal(w.grad(), b));
  }
}

TEST(SwitchableBn, SlotsFollowTheMode) {
  SwitchableBatchNorm bn(2);
  {
    torch::NoGradGuard g;
    bn->named_parameters()["weight_8"].fill_(2.0);
    bn->named_parameters()["bias_4"].fill_(1.0);
  }
  bn->eval();
  const Tensor x = torch::randn({3, 2, 4, 4});
  EXPECT_TRUE(torch::allclose(bn->forward(x, Precision::k8), 2 * bn->forward(x, Precision::kFp),
                              1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(bn->forward(x, Precision::k4), bn->forward(x, Precision::kFp) + 1,
                              1e-5, 1e-6));
  bn->mode = BnMode::kShared;  // every precision reads slot fp
  EXPECT_TRUE(torch::equal(bn->forward(x, Precision::k4), bn->forward(x, Precision::kFp)));
  bn->Materialize();
  EXPECT_TRUE(torch::equal(bn->named_parameters()["weight_8"], torch::ones({2})));
}

TEST(SwitchableBn, CalibrationAveragesBatchStatisticsExactly) {
  SwitchableBatchNorm bn(1);
  bn->mode = BnMode::kRecalibrate;
  bn->train();
  bn->BeginCalibration(Precision::k4);
  torch::NoGradGuard g;
  const Tensor a = torch::full({2, 1, 2, 2}, 1.0);
  const Tensor b = torch::full({2, 1, 2, 2}, 4.0);
  bn->forward(a, Precision::k4);
  bn->forward(b, Precision::k4);
  bn->EndCalibration();
  EXPECT_FLOAT_EQ(bn->named_buffers()["running_mean_4"].item<float>(), 2.5f);
  EXPECT_FLOAT_EQ(bn->named_buffers()["running_mean_fp"].item<float>(), 0.0f);
}

TEST(QatNet, NestedForwardEqualsSeparateForwards) {
  torch::manual_seed(6);
  for (const char* model : {"cnn", "resnet20"}) {
    const std::int64_t side = std::string(model) == "cnn" ? 28 : 32;
    const std::int64_t channels = std::string(model) == "cnn" ? 1 : 3;
    auto net = MakeNet(model, channels, side, 10);
    net->SetQuantization(std::vector<int>(net->convs().size(), 3), Rule::kTruncate, false);
    net->eval();
    torch::NoGradGuard g;
    const Tensor x =
        torch::randn({2, channels, side, side}).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto both = net->forward(x, {Precision::k8, Precision::k4});
    EXPECT_TRUE(torch::equal(both[0], net->forward(x, {Precision::k8})[0])) << model;
    EXPECT_TRUE(torch::equal(both[1], net->forward(x, {Precision::k4})[0])) << model;
    EXPECT_FALSE(torch::equal(both[0], both[1]));
  }
  EXPECT_EQ(MakeNet("resnet20", 3, 32, 10)->convs().size(), 21u);
  EXPECT_GE(MakeNet("cnn", 1, 28, 10)->convs().size(), 4u);
  EXPECT_THROW(MakeNet("vgg", 1, 28, 10), std::invalid_argument);
}

TEST(QatNet, SaveLoadRoundTripAndPyTorchCanReadIt) {
  torch::manual_seed(7);
  auto net = MakeNet("cnn", 1, 28, 10);
  net->ToChannelsLast();
  const fs::path path =
      fs::temp_directory_path() / ("labqat_model_" + std::to_string(::getpid()) + ".pt");
  torch::serialize::OutputArchive out;
  net->save(out);
  out.save_to(path.string());

  torch::manual_seed(8);
  auto other = MakeNet("cnn", 1, 28, 10);
  torch::serialize::InputArchive in;
  in.load_from(path.string());
  other->load(in);
  net->eval();
  other->eval();
  torch::NoGradGuard g;
  const Tensor x = torch::randn({2, 1, 28, 28});
  EXPECT_TRUE(
      torch::equal(net->forward(x, {Precision::k4})[0], other->forward(x, {Precision::k4})[0]));

  // The documented PyTorch route; skipped where python3-torch is absent.
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    fs::remove(path);
    GTEST_SKIP() << "python3-torch not installed";
  }
  const std::string cmd = "/usr/bin/python3 -c \"import torch; sd = torch.jit.load('" +
                          path.string() +
                          "').state_dict(); "
                          "assert sd['conv3.weight'].shape == (64, 64, 3, 3); "
                          "assert 'bn0.running_var_4' in sd\"";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  fs::remove(path);
}

/// Same bits, not just equal values: -0.0 and 0.0 differ here.
bool SameBits(const Tensor& a, const Tensor& b) {
  return a.sizes() == b.sizes() &&
         torch::equal(a.contiguous().view(torch::kInt32), b.contiguous().view(torch::kInt32));
}

/// Weights with exact round-half ties, zeros, negative zeros and values that
/// wrap in the 4-bit window, plus random ones.
Tensor AwkwardWeights(std::int64_t out, std::int64_t in) {
  torch::manual_seed(21);
  Tensor w = torch::clamp(torch::randn({out, in, 3, 3}) * 0.02, -0.04, 0.04);
  auto flat = w.view({-1});
  const float s = 0.05f / 127.0f;
  flat[0] = 0.05f;  // max |w| of channel 0: q = 127
  for (int i = 1; i < 40; ++i) flat[i] = (static_cast<float>(i) + 0.5f) * s * (i % 2 ? 1 : -1);
  flat[41] = 0.0f;
  flat[42] = -0.0f;
  return w.contiguous(torch::MemoryFormat::ChannelsLast);
}

TEST(FakeQuantOps, SameCodesAsTheFusedCpuKernelBitForBit) {
  // The device-generic path (what CUDA runs) against the fused CPU kernel,
  // both run here on the CPU: every rule, k and scale granularity.
  const Tensor w = AwkwardWeights(16, 8);
  for (bool per_channel : {false, true}) {
    for (Rule rule : {Rule::kTruncate, Rule::kRound}) {
      for (int k = 0; k <= kMaxShift; ++k) {
        const QuantSpec spec{k, rule, per_channel};
        auto [f8, f4] = FakeQuant(w, spec, true, true);
        auto [o8, o4] = FakeQuantOps(w, spec, true, true);
        EXPECT_TRUE(SameBits(f8, o8)) << "8-bit k " << k << " per_channel " << per_channel;
        EXPECT_TRUE(SameBits(f4, o4))
            << "4-bit k " << k << " " << RuleName(rule) << " per_channel " << per_channel;
      }
    }
  }
  auto [only4_8, only4] = FakeQuantOps(w, QuantSpec{2, Rule::kRound, false}, false, true);
  EXPECT_FALSE(only4_8.defined());
  EXPECT_TRUE(only4.defined());
}

TEST(FakeQuantOps, CodesDecodeToTheHardwareValues) {
  // The 8- and 4-bit codes (via Encode8/Code4From8 on the scale) decode to
  // exactly what the ops path produced, so the ops path is the hardware's.
  const Tensor w = AwkwardWeights(4, 2).contiguous();
  const float* pw = w.data_ptr<float>();
  const float scale = ScaleForMaxAbs(w.abs().max().item<float>());
  for (Rule rule : {Rule::kTruncate, Rule::kRound}) {
    for (int k = 0; k <= kMaxShift; ++k) {
      auto [o8, o4] = FakeQuantOps(w, QuantSpec{k, rule, false}, true, true);
      const Tensor c8 = o8.contiguous(), c4 = o4.contiguous();
      for (std::int64_t i = 0; i < w.numel(); ++i) {
        const std::uint8_t code8 = Encode8(pw[i], scale);
        ASSERT_EQ(std::fabs(c8.data_ptr<float>()[i]), std::fabs(Decode8(code8, scale))) << i;
        ASSERT_EQ(std::fabs(c4.data_ptr<float>()[i]),
                  std::fabs(Decode4(Code4From8(code8, k, rule), scale, k)))
            << i << " k " << k;
      }
    }
  }
}

}  // namespace
}  // namespace labq::qat
