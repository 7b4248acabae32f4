/// `labq plot` and `labq report` through the real binary: exit codes and
/// messages a user sees.

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/text.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"
#include "viz/viz_testing.h"

namespace labq::viz {
namespace {

namespace fs = std::filesystem;
using labq::testing::CliOutput;
using labq::testing::RunLabqCli;

TEST(PlotCli, BadInputGivesClearErrorsAndExitTwo) {
  labq::testing::TempDir tmp;
  const std::string db = (tmp.path() / "r.db").string();
  {
    ResultStore store(db);
    testing::AddLab2Sweep(store, "lab2");
    testing::AddLab2Sweep(store, "idle", false);
  }
  auto r = RunLabqCli(tmp.path(), db,
                      {"plot", "metric", "--sweep", "lab2", "--y", "nope", "--out", "m.svg"}, "y");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(CliOutput(tmp.path(), "y").find("metric 'nope' (known: acc4, acc8"), std::string::npos)
      << CliOutput(tmp.path(), "y");
  EXPECT_NE(CliOutput(tmp.path(), "y").find("ops_per_w"), std::string::npos);

  r = RunLabqCli(tmp.path(), db, {"plot", "dpu", "--sweep", "idle", "--out", "d.svg"}, "idle");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(CliOutput(tmp.path(), "idle").find("has no finished"), std::string::npos);

  r = RunLabqCli(tmp.path(), db, {"plot", "dpu", "--sweep", "lab2", "--out", "/nonexistent/d.svg"},
                 "out");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(CliOutput(tmp.path(), "out").find("/nonexistent/d.svg"), std::string::npos);

  r = RunLabqCli(tmp.path(), db, {"report", "--sweep", "idle", "--out", "rep"}, "rep");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(CliOutput(tmp.path(), "rep").find("no finished jobs"), std::string::npos);
}

TEST(PlotCli, DrawsAFigureAndSaysWhere) {
  LABQ_REQUIRE_GNUPLOT();
  labq::testing::TempDir tmp;
  const std::string db = (tmp.path() / "r.db").string();
  {
    ResultStore store(db);
    testing::AddLab2Sweep(store, "lab2");
  }
  auto r = RunLabqCli(tmp.path(), db, {"plot", "qat", "--sweep", "lab2", "--out", "qat.svg"}, "ok");
  EXPECT_EQ(r.exit_code, 0) << CliOutput(tmp.path(), "ok");
  EXPECT_TRUE(fs::exists(tmp.path() / "qat.svg"));
  EXPECT_TRUE(fs::exists(tmp.path() / "qat.gp"));
  EXPECT_NE(CliOutput(tmp.path(), "ok").find("wrote qat.svg"), std::string::npos);
}

}  // namespace
}  // namespace labq::viz
