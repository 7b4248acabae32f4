#include "viz/run_tool.h"

#include <gtest/gtest.h>

#include "tests/test_paths.h"

namespace labq::viz {
namespace {

TEST(RunTool, PassesEachArgumentVerbatimWithoutAShell) {
  const ToolRun run = RunTool({"printf", "[%s]", "a b", "'q'", "$(id)", "`x`", ";", "\\"});
  ASSERT_TRUE(run.Succeeded()) << run.Describe();
  EXPECT_EQ(run.output, "[a b]['q'][$(id)][`x`][;][\\]");
}

TEST(RunTool, RunsInTheGivenFolder) {
  labq::testing::TempDir tmp;
  const ToolRun run = RunTool({"pwd"}, tmp.path());
  ASSERT_TRUE(run.Succeeded());
  EXPECT_EQ(run.output, std::filesystem::canonical(tmp.path()).string() + "\n");
}

TEST(RunTool, ReportsAMissingToolAndAFailure) {
  EXPECT_FALSE(RunTool({"labq-no-such-tool-xyz"}).started);
  const ToolRun failed = RunTool({"sh", "-c", "echo oops >&2; exit 3"});
  EXPECT_TRUE(failed.started);
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_EQ(failed.output, "oops\n");
  EXPECT_EQ(failed.Describe(), "exit 3");
}

TEST(RunTool, KillsAToolPastItsLimit) {
  const ToolRun run = RunTool({"sleep", "30"}, {}, std::chrono::milliseconds(300));
  EXPECT_TRUE(run.timed_out);
  EXPECT_FALSE(run.Succeeded());
}

}  // namespace
}  // namespace labq::viz
