#include "jobs/dpu_rtl.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "process/subprocess.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

TEST(DpuRtl, PortsAndNamesFollowTheLab) {
  const std::string v = RenderDpuVerilog({8, 8, DpuMode::kLsb, 8});
  EXPECT_NE(v.find("module DotProductUnit_8_lsb ("), std::string::npos);
  EXPECT_NE(v.find("input wire clk"), std::string::npos);
  EXPECT_NE(v.find("input wire [63:0] a"), std::string::npos);
  EXPECT_NE(v.find("input wire [63:0] b"), std::string::npos);
  EXPECT_NE(v.find("output reg [7:0] y"), std::string::npos);
  EXPECT_NE(v.find("always @(posedge clk)"), std::string::npos);
  EXPECT_EQ(DpuDesign({8, 8, DpuMode::kLsb, 8}).FileName(), "dpu_8_lsb.v");
}

TEST(DpuRtl, FullModeOutputIsExactWidth) {
  const std::string v = RenderDpuVerilog({128, 8, DpuMode::kFull, 8});
  EXPECT_NE(v.find("output reg [22:0] y"), std::string::npos);
  EXPECT_NE(v.find("input wire [1023:0] a"), std::string::npos);
}

/// Lints every mode at sizes that exercise the adder tree's odd carries.
TEST(DpuRtl, LintCleanUnderVerilatorWall) {
  testing::TempDir tmp;
  for (int n : {1, 3, 8, 13}) {
    for (DpuMode mode : {DpuMode::kFull, DpuMode::kMsb, DpuMode::kLsb}) {
      DpuDesign d{n, 8, mode, 8};
      if (mode == DpuMode::kLsb && d.FullBits() <= 8) continue;
      SCOPED_TRACE(d.ModuleName());
      WriteFileAtomically(tmp.path() / d.FileName(), RenderDpuVerilog(d));
      SubprocessSpec spec;
      spec.argv = {"verilator",    "--lint-only",  "-Wall",
                   "--top-module", d.ModuleName(), d.FileName()};
      spec.working_dir = tmp.path();
      spec.stdout_path = tmp.path() / "lint.out";
      spec.stderr_path = tmp.path() / "lint.err";
      auto result = RunSubprocess(spec);
      EXPECT_TRUE(result.Succeeded()) << result.Describe();
    }
  }
}

}  // namespace
}  // namespace labq
