#include "jobs/dpu_rtl.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

TEST(DpuRtl, PortsAndNamesFollowTheLab) {
  const std::string v = RenderDpuVerilog({8, 8, 8, DpuMode::kLsb, 8, BFormat::kUnsigned});
  EXPECT_NE(v.find("module DotProductUnit_8_lsb ("), std::string::npos);
  EXPECT_NE(v.find("input wire clk"), std::string::npos);
  EXPECT_NE(v.find("input wire [63:0] a"), std::string::npos);
  EXPECT_NE(v.find("input wire [63:0] b"), std::string::npos);
  EXPECT_NE(v.find("output reg [7:0] y"), std::string::npos);
  EXPECT_NE(v.find("always @(posedge clk)"), std::string::npos);
  EXPECT_EQ(DpuDesign({8, 8, 8, DpuMode::kLsb, 8, BFormat::kUnsigned}).FileName(), "dpu_8_lsb.v");
}

TEST(DpuRtl, FullModeOutputIsExactWidth) {
  const std::string v = RenderDpuVerilog({128, 8, 8, DpuMode::kFull, 8, BFormat::kUnsigned});
  EXPECT_NE(v.find("output reg [22:0] y"), std::string::npos);
  EXPECT_NE(v.find("input wire [1023:0] a"), std::string::npos);
}

/// Lints every mode at sizes that exercise the adder tree's odd carries, for
/// the lab's DPU and the other variants (their own widths, sign-magnitude).
TEST(DpuRtl, LintCleanUnderVerilatorWall) {
  testing::TempDir tmp;
  struct Variant {
    int a_bits, b_bits;
    BFormat format;
  };
  for (const Variant& v :
       {Variant{8, 8, BFormat::kUnsigned}, Variant{8, 8, BFormat::kSignMagnitude},
        Variant{8, 4, BFormat::kSignMagnitude}, Variant{8, 4, BFormat::kUnsigned},
        Variant{3, 2, BFormat::kSignMagnitude}}) {
    for (int n : {1, 3, 8, 13}) {
      for (DpuMode mode : {DpuMode::kFull, DpuMode::kMsb, DpuMode::kLsb}) {
        DpuDesign d{n, v.a_bits, v.b_bits, mode, 4, v.format};
        if (mode == DpuMode::kLsb && d.FullBits() <= d.out_bits) continue;
        SCOPED_TRACE(d.ModuleName());
        WriteFileAtomically(tmp.path() / d.FileName(), RenderDpuVerilog(d));
        SubprocessSpec spec;
        spec.argv = {"verilator",    "--lint-only",  "-Wall",
                     "--top-module", d.ModuleName(), d.FileName()};
        spec.working_dir = tmp.path();
        spec.stdout_path = tmp.path() / "lint.out";
        spec.stderr_path = tmp.path() / "lint.err";
        auto result = RunSubprocess(spec);
        EXPECT_TRUE(result.Succeeded())
            << result.Describe() << ReadFile((tmp.path() / "lint.err").string());
      }
    }
  }
}

TEST(DpuRtl, SignMagnitudeNegatesBySignAndSignExtendsTheTree) {
  const DpuDesign d{3, 8, 4, DpuMode::kLsb, 6, BFormat::kSignMagnitude};
  const std::string v = RenderDpuVerilog(d);
  EXPECT_NE(v.find("module DotProductUnit_3_lsb_a8b4_sm ("), std::string::npos) << v;
  EXPECT_NE(v.find("input wire [23:0] a"), std::string::npos);
  EXPECT_NE(v.find("input wire [11:0] b"), std::string::npos);
  EXPECT_NE(v.find("output reg [5:0] y"), std::string::npos);
  // Element 1: a[8 +: 8] times b's magnitude b[4 +: 3], negated by b[7].
  EXPECT_NE(v.find("wire [10:0] m_0_1 = {3'd0, a[8 +: 8]} * {8'd0, b[4 +: 3]};"),
            std::string::npos);
  EXPECT_NE(v.find("wire [11:0] p_0_1 = b[7] ? -{1'b0, m_0_1} : {1'b0, m_0_1};"),
            std::string::npos);
  EXPECT_NE(v.find("wire [12:0] s_1_0 = {p_0_0[11], p_0_0} + {p_0_1[11], p_0_1};"),
            std::string::npos);
  EXPECT_NE(v.find("wire [12:0] s_1_1 = {p_0_2[11], p_0_2};"), std::string::npos);
  EXPECT_NE(v.find("wire [13:0] sum = s_2_0;"), std::string::npos);
  EXPECT_NE(v.find("6'b100000 : 6'b011111"), std::string::npos);
}

}  // namespace
}  // namespace labq
