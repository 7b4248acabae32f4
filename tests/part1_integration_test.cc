/// End to end through the real labq binary: the N=8 sweep in all three modes
/// on osu018, verified, synthesized, stored, tabulated and exported.

#include <gtest/gtest.h>

#include <map>

#include "common/text.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

SubprocessResult Labq(const testing::TempDir& tmp, std::vector<std::string> args,
                      const std::string& log) {
  return testing::RunLabqCli(tmp.path(), (tmp.path() / "results.db").string(), args, log);
}

TEST(Part1Integration, DpuN8AllModesEndToEnd) {
  testing::TempDir tmp;
  auto run = Labq(tmp,
                  {"run", testing::SourceDir() + "/configs/dpu_n8.yaml", "--jobs", "2", "--workdir",
                   (tmp.path() / "work").string()},
                  "run");
  ASSERT_TRUE(run.Succeeded()) << run.Describe() << "\n"
                               << ReadFile((tmp.path() / "run.err").string());
  const std::string table = ReadFile((tmp.path() / "run.out").string());
  EXPECT_NE(table.find("OPS_per_W"), std::string::npos) << table;

  ResultStore store((tmp.path() / "results.db").string());
  auto sweep = store.FindSweep("dpu_n8");
  ASSERT_TRUE(sweep);
  auto counts = store.Counts(sweep->id);
  EXPECT_EQ(counts.total, 6);
  EXPECT_EQ(counts.Count(JobState::kDone), 6);
  std::map<std::string, std::map<std::string, double>> by_mode;
  for (const auto& job : store.Jobs(sweep->id)) {
    EXPECT_EQ(job.state, JobState::kDone) << job.name << ": " << job.error;
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(job.workdir) / "command.sh"));
    if (job.kind != "synth") continue;
    for (const auto& m : store.Metrics(job.id)) by_mode[job.params["mode"]][m.name] = m.value;
  }
  ASSERT_EQ(by_mode.size(), 3u);
  for (const auto& [mode, m] : by_mode) {
    SCOPED_TRACE(mode);
    EXPECT_GE(m.at("slack"), 0);
    EXPECT_GT(m.at("area"), 0);
    EXPECT_GT(m.at("power_total"), 0);
    EXPECT_NEAR(m.at("ops"), 16e9 / m.at("clock_period"), 1);
    EXPECT_NEAR(m.at("ops_per_w"), m.at("ops") / m.at("power_total"), m.at("ops_per_w") * 1e-9);
  }

  auto csv_path = tmp.path() / "dpu.csv";
  auto exported =
      Labq(tmp, {"export", "csv", "--sweep", "dpu_n8", "--out", csv_path.string()}, "export");
  ASSERT_TRUE(exported.Succeeded()) << ReadFile((tmp.path() / "export.err").string());
  auto lines = SplitLines(ReadFile(csv_path.string()));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_TRUE(StartsWith(lines[0],
                         "sweep,job_id,job,N,mode,liberty,verified,cached,period_ns,"
                         "period_source,slack_ns,timing,f_MHz,fmax_MHz"))
      << lines[0];
  EXPECT_NE(lines[1].find(",dpu_full.synth,8,full,osu018,pass,false,"), std::string::npos)
      << lines[1];

  auto shown = Labq(tmp, {"show", "dpu_full.synth"}, "show");
  ASSERT_TRUE(shown.Succeeded());
  const std::string show = ReadFile((tmp.path() / "show.out").string());
  EXPECT_NE(show.find("rerun by hand: sh "), std::string::npos) << show;
  EXPECT_NE(show.find("yosys -s synth.ys"), std::string::npos) << show;
}

TEST(Part1Integration, MalformedSweepFailsWithItsLocationAndStoresNothing) {
  testing::TempDir tmp;
  const auto bad = tmp.path() / "bad.yaml";
  {
    std::FILE* f = std::fopen(bad.c_str(), "w");
    std::fputs("name: bad\ngroups:\n  - name: g\n    kind: dpu\n    params: {n: 8, mode: lbs}\n",
               f);
    std::fclose(f);
  }
  auto run = Labq(tmp, {"run", bad.string()}, "bad");
  EXPECT_EQ(run.exit_code, 2);
  const std::string err = ReadFile((tmp.path() / "bad.err").string());
  EXPECT_NE(
      err.find(bad.string() + ":5:26: groups[0].params.mode: 'lbs' is not one of full, msb, lsb"),
      std::string::npos)
      << err;
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "results.db"));
}

}  // namespace
}  // namespace labq
