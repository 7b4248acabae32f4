#include "qat/dpu_op.h"

#include <gtest/gtest.h>

#include <vector>

#include "qat/dpu_kernel.h"
#include "qat/model.h"

namespace labq::qat {
namespace {

using torch::Tensor;

/// The contract's output mode in int64 arithmetic, written independently of
/// the float ops (C++20 >> of a negative value is the arithmetic shift).
std::int64_t ModeInt(std::int64_t s, const DpuSpec& spec) {
  switch (spec.mode) {
    case DpuOutMode::kFull:
      return s;
    case DpuOutMode::kMsb:
      return s >> spec.Shift();
    case DpuOutMode::kLsb:
      if (spec.Signed()) {
        const std::int64_t half = std::int64_t{1} << (spec.out_bits - 1);
        return std::clamp(s, -half, half - 1);
      }
      return std::min(s, (std::int64_t{1} << spec.out_bits) - 1);
  }
  return 0;
}

/// Chunked DPU convolution with integer loops: the reference of DpuConv2d.
/// x [B, Cin, H, W] codes, w [Cout, Cin, k, k] signed codes (int64 tensors).
std::vector<std::int64_t> ReferenceConv(const Tensor& x, const Tensor& w, int stride, int pad,
                                        const DpuSpec& spec, bool use_dpu) {
  const auto xa = x.accessor<std::int64_t, 4>();
  const auto wa = w.accessor<std::int64_t, 4>();
  const std::int64_t batch = x.size(0), cin = x.size(1), h = x.size(2), wd = x.size(3);
  const std::int64_t cout = w.size(0), k = w.size(2);
  const std::int64_t ho = (h + 2 * pad - k) / stride + 1, wo = (wd + 2 * pad - k) / stride + 1;
  std::vector<std::int64_t> out;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t o = 0; o < cout; ++o) {
      for (std::int64_t r = 0; r < ho; ++r) {
        for (std::int64_t c = 0; c < wo; ++c) {
          // Products in im2col order: channel, kernel row, kernel column.
          std::vector<std::int64_t> av, wv;
          for (std::int64_t ci = 0; ci < cin; ++ci) {
            for (std::int64_t i = 0; i < k; ++i) {
              for (std::int64_t j = 0; j < k; ++j) {
                const std::int64_t y = r * stride - pad + i, z = c * stride - pad + j;
                const bool inside = y >= 0 && y < h && z >= 0 && z < wd;
                av.push_back(inside ? xa[b][ci][y][z] : 0);
                wv.push_back(wa[o][ci][i][j]);
              }
            }
          }
          std::int64_t total = 0;
          const std::int64_t n = use_dpu ? spec.n : static_cast<std::int64_t>(av.size());
          for (std::size_t c0 = 0; c0 < av.size(); c0 += n) {
            std::int64_t pos = 0, neg = 0;
            for (std::size_t e = c0; e < std::min(av.size(), c0 + n); ++e) {
              (wv[e] >= 0 ? pos : neg) += av[e] * std::abs(wv[e]);
            }
            if (!use_dpu) {
              total += pos - neg;
            } else if (spec.Signed()) {
              total += ModeInt(pos - neg, spec) << spec.Shift();
            } else {
              total += (ModeInt(pos, spec) - ModeInt(neg, spec)) << spec.Shift();
            }
          }
          out.push_back(total);
        }
      }
    }
  }
  return out;
}

std::vector<std::int64_t> AsVector(const Tensor& y) {
  // [B, Cout, Ho, Wo] in the reference's order.
  const Tensor v = y.contiguous().to(torch::kInt64);
  EXPECT_TRUE(torch::equal(v.to(torch::kFloat64), y.contiguous())) << "not integer valued";
  return std::vector<std::int64_t>(v.data_ptr<std::int64_t>(),
                                   v.data_ptr<std::int64_t>() + v.numel());
}

/// Every way DpuConv2d computes on the CPU: the kernel it picks and the
/// lane kernel, each in its AVX2 and its baseline build, and the GEMMs.
struct Way {
  DpuConvPath path;
  bool baseline;
};
constexpr Way kWays[] = {{DpuConvPath::kKernel, false},
                         {DpuConvPath::kKernel, true},
                         {DpuConvPath::kLane, false},
                         {DpuConvPath::kLane, true},
                         {DpuConvPath::kGemm, false}};

std::string Describe(const Way& way) {
  const char* names[] = {"auto", "kernel", "lane", "gemm"};
  return std::string(names[static_cast<int>(way.path)]) + (way.baseline ? " baseline" : "");
}

Tensor ConvWay(const Tensor& x, const DpuConvWeights& w, int stride, int pad, const DpuSpec& spec,
               const Way& way, std::int64_t max_elements = std::int64_t{1} << 24) {
  UseBaselineDpuKernels(way.baseline);
  Tensor y = DpuConv2d(x, w, stride, pad, spec, way.path, max_elements);
  UseBaselineDpuKernels(false);
  return y;
}

struct ConvCase {
  int cin, size, cout, k, stride, pad;
};

Tensor RandomWeights(const ConvCase& c, const DpuSpec& spec) {
  const std::int64_t m = spec.Signed() ? spec.MaxMagnitude() : spec.MaxMagnitude() / 2;
  return torch::randint(-m, m + 1, {c.cout, c.cin, c.k, c.k}, torch::kInt64);
}

TEST(DpuConv, FullModeEqualsTheInt64ConvolutionForEveryN) {
  torch::manual_seed(5);
  // K = 45 and 288: N = 8, 7, 16 and 128 do not divide them, N = K and 9 do.
  // The direct kernel's edges: 17 output columns (a second block of 16,
  // mostly past the row), 3 and 5 output channels (not a multiple of 4),
  // a 5x5 kernel with padding 2, a 1x1 kernel without padding.
  for (const ConvCase c :
       {ConvCase{5, 7, 4, 3, 1, 1}, ConvCase{32, 5, 3, 3, 2, 1}, ConvCase{3, 17, 5, 3, 1, 1},
        ConvCase{4, 9, 3, 5, 1, 2}, ConvCase{8, 6, 3, 1, 1, 0}}) {
    for (BFormat f : {BFormat::kSignMagnitude, BFormat::kUnsignedSplit}) {
      for (int n : {1, 7, 8, 9, 16, 45, 128, 288}) {
        if (n > c.cin * c.k * c.k) continue;
        DpuSpec spec{n, 8, 8, 8, DpuOutMode::kFull, f};
        const Tensor x = torch::randint(0, 256, {2, c.cin, c.size, c.size}, torch::kInt64);
        const Tensor w = RandomWeights(c, spec);
        const auto expected = ReferenceConv(x, w, c.stride, c.pad, spec, false);
        const DpuConvWeights dw = PrepareDpuConv(w.to(torch::kFloat32), spec);
        for (const Way& way : kWays) {
          const Tensor y = ConvWay(x.to(torch::kFloat32), dw, c.stride, c.pad, spec, way, 4096);
          EXPECT_EQ(AsVector(y), expected)
              << "N " << n << " " << BFormatName(f) << " " << Describe(way) << " cin " << c.cin;
        }
      }
    }
  }
}

TEST(DpuConv, TruncatingModesEqualIntegerCallsIncludingFloat64Sums) {
  torch::manual_seed(6);
  const ConvCase c{32, 5, 4, 3, 1, 1};  // K = 288
  for (BFormat f : {BFormat::kSignMagnitude, BFormat::kUnsignedSplit}) {
    for (DpuOutMode mode : {DpuOutMode::kMsb, DpuOutMode::kLsb}) {
      // 12-bit activations at N = 128 pass 2^24: the float64 GEMM path.
      for (int n : {8, 10, 128, 256}) {
        for (int precision : {8, 4}) {
          const int a_bits = n == 128 ? 12 : 8;
          DpuSpec spec{n, a_bits, precision, 8, mode, f};
          ASSERT_EQ(spec.Problem(), "");
          if (a_bits == 8) {
            EXPECT_TRUE(spec.Float32Exact());
          } else if (precision == 8) {
            EXPECT_FALSE(spec.Float32Exact());
          }
          const Tensor x =
              torch::randint(0, 1 << a_bits, {2, c.cin, c.size, c.size}, torch::kInt64);
          const Tensor w = RandomWeights(c, spec);
          const DpuConvWeights dw = PrepareDpuConv(w.to(torch::kFloat32), spec);
          const auto expected = ReferenceConv(x, w, c.stride, c.pad, spec, true);
          for (const Way& way : kWays) {
            const Tensor y = ConvWay(x.to(torch::kFloat32), dw, c.stride, c.pad, spec, way);
            EXPECT_EQ(AsVector(y), expected)
                << "N " << n << " " << BFormatName(f) << " " << DpuOutModeName(mode) << " b_bits "
                << precision << " " << Describe(way);
          }
        }
      }
    }
  }
}

TEST(DpuCalls, OutputsFollowTheContractAtTheEdges) {
  // Sign-magnitude, N = 2, a 8 bits, b 8 bits: W = 8 + 7 + 1 + 1 = 17.
  DpuSpec sm{2, 8, 8, 8, DpuOutMode::kMsb, BFormat::kSignMagnitude};
  ASSERT_EQ(sm.FullBits(), 17);
  const Tensor a = torch::tensor({255, 255, 1, 0, 255, 255, 0, 0}, torch::kInt64).reshape({4, 2});
  // codes: +127,+127 | -1 (0x81), 0 | -0 (0x80), +5 | -127, -127
  const Tensor b =
      torch::tensor({127, 127, 0x81, 0, 0x80, 5, 0xff, 0xff}, torch::kInt64).reshape({4, 2});
  // Sums: 64770, -1, 1275, 0. msb: >> 9 (floor).
  EXPECT_TRUE(
      torch::equal(DpuCallsOutput(a, b, sm), torch::tensor({126, -1, 2, 0}, torch::kInt64)));
  sm.mode = DpuOutMode::kLsb;
  EXPECT_TRUE(
      torch::equal(DpuCallsOutput(a, b, sm), torch::tensor({127, -1, 127, 0}, torch::kInt64)));
  sm.mode = DpuOutMode::kFull;
  EXPECT_TRUE(
      torch::equal(DpuCallsOutput(a, b, sm), torch::tensor({64770, -1, 1275, 0}, torch::kInt64)));
  // Unsigned: b is a plain magnitude; W = 8 + 8 + 1 = 17.
  DpuSpec u{2, 8, 8, 8, DpuOutMode::kLsb, BFormat::kUnsignedSplit};
  EXPECT_TRUE(
      torch::equal(DpuCallsOutput(a, b, u), torch::tensor({255, 129, 255, 0}, torch::kInt64)));
  u.mode = DpuOutMode::kMsb;  // sums 64770, 129, 1275+0x80*... see below
  const Tensor s = (a * b).sum(1);
  EXPECT_TRUE(torch::equal(DpuCallsOutput(a, b, u), s.div(512, "floor")));
}

TEST(DpuSpec, WidthsAndOutBitsProblems) {
  DpuSpec s{128, 8, 8, 8, DpuOutMode::kMsb, BFormat::kUnsignedSplit};
  EXPECT_EQ(s.FullBits(), 23);  // the lab's 2M + log2 N
  s.format = BFormat::kSignMagnitude;
  EXPECT_EQ(s.FullBits(), 23);  // 8 + 7 + 7 + 1
  s.b_bits = 4;
  EXPECT_EQ(s.FullBits(), 19);
  s.n = 1;
  EXPECT_EQ(s.FullBits(), 12);  // ceil(log2 1) = 0
  s.out_bits = 13;
  EXPECT_NE(s.Problem().find("--out-bits: 13 is wider than the sum"), std::string::npos);
  s.mode = DpuOutMode::kLsb;
  s.out_bits = 12;
  EXPECT_NE(s.Problem().find("--out-bits"), std::string::npos);
  s.out_bits = 11;
  EXPECT_EQ(s.Problem(), "");
  s.mode = DpuOutMode::kFull;
  s.out_bits = 99;
  EXPECT_EQ(s.Problem(), "");
  EXPECT_EQ(s.OutputBits(), 12);
}

TEST(WeightCodes, TimesStepEqualTheFakeQuantizedWeights) {
  torch::manual_seed(8);
  const Tensor w = torch::randn({8, 4, 3, 3}) * 0.2;
  for (bool per_channel : {false, true}) {
    for (Rule rule : {Rule::kTruncate, Rule::kRound}) {
      for (int k = 0; k <= kMaxShift; ++k) {
        const QuantSpec spec{k, rule, per_channel};
        auto [w8, w4] = FakeQuantOps(w, spec, true, true);
        auto [c8, s8] = WeightCodes(w, spec, Precision::k8);
        auto [c4, s4] = WeightCodes(w, spec, Precision::k4);
        EXPECT_TRUE(torch::equal(c8 * s8.reshape({-1, 1, 1, 1}), w8));
        EXPECT_TRUE(torch::equal(c4 * s4.reshape({-1, 1, 1, 1}), w4));
        EXPECT_TRUE(torch::equal(c8, c8.round()));
        EXPECT_LE(c8.abs().max().item<double>(), 127);
        EXPECT_LE(c4.abs().max().item<double>(), 7);
      }
    }
  }
}

}  // namespace
}  // namespace labq::qat
