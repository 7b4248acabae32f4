/// End to end through the real labq binary: the N=8 sweep in all three modes
/// on osu018, verified, synthesized, stored, tabulated and exported.

#include <gtest/gtest.h>

#include <algorithm>
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
  EXPECT_EQ(counts.total, 9);  // verify, probe and synth per mode (clock_period_ns: auto)
  EXPECT_EQ(counts.Count(JobState::kDone), 9);
  std::map<std::string, std::map<std::string, double>> by_mode;
  double slowest_probe = 0;
  for (const auto& job : store.Jobs(sweep->id)) {
    EXPECT_EQ(job.state, JobState::kDone) << job.name << ": " << job.error;
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(job.workdir) / "command.sh"));
    if (job.kind == "synth_probe") {
      for (const auto& m : store.Metrics(job.id)) {
        if (m.name == "critical_period") slowest_probe = std::max(slowest_probe, m.value);
      }
    }
    if (job.kind != "synth") continue;
    EXPECT_EQ(store.Texts(job.id)["period_source"], "auto-common") << job.name;
    for (const auto& m : store.Metrics(job.id)) by_mode[job.params["mode"]][m.name] = m.value;
  }
  ASSERT_EQ(by_mode.size(), 3u);
  EXPECT_GT(slowest_probe, 1);
  for (const auto& [mode, m] : by_mode) {
    SCOPED_TRACE(mode);
    // One target for the three modes: the slowest probe's critical period.
    EXPECT_DOUBLE_EQ(m.at("clock_period"), slowest_probe);
    EXPECT_GT(m.at("area"), 0);
    EXPECT_GT(m.at("power_total"), 0);
    const double f = m.at("slack") >= 0 ? 1e9 / m.at("clock_period")
                                        : 1e9 / (m.at("clock_period") - m.at("slack"));
    EXPECT_NEAR(m.at("frequency"), f, 1e-3);
    EXPECT_NEAR(m.at("ops"), 16 * f, 1);
    EXPECT_NEAR(m.at("ops_per_w"), m.at("ops") / m.at("power_total"), m.at("ops_per_w") * 1e-9);
  }

  auto csv_path = tmp.path() / "dpu.csv";
  auto exported =
      Labq(tmp, {"export", "csv", "--sweep", "dpu_n8", "--out", csv_path.string()}, "export");
  ASSERT_TRUE(exported.Succeeded()) << ReadFile((tmp.path() / "export.err").string());
  auto lines = SplitLines(ReadFile(csv_path.string()));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_TRUE(StartsWith(lines[0],
                         "sweep,job_id,job,N,mode,format,liberty,verified,cached,period_ns,"
                         "period_source,slack_ns,timing,f_MHz,fmax_MHz"))
      << lines[0];
  EXPECT_NE(lines[1].find(",dpu_full.synth,8,full,a8b8 unsigned,osu018,pass,false,"),
            std::string::npos)
      << lines[1];

  // The breakdown: msb and lsb keep 8 of full's 19 output flops.
  auto breakdown = Labq(tmp,
                        {"table", "dpu", "--sweep", "dpu_n8", "--breakdown", "--format", "csv",
                         "--columns", "mode,flops,d_flops,d_power_pct"},
                        "breakdown");
  ASSERT_TRUE(breakdown.Succeeded()) << ReadFile((tmp.path() / "breakdown.err").string());
  const std::string rows = ReadFile((tmp.path() / "breakdown.out").string());
  EXPECT_TRUE(StartsWith(rows, "mode,flops,d_flops,d_power_pct\r\nfull,19,,\r\nmsb,8,-11,"))
      << rows;
  EXPECT_TRUE(Contains(rows, "\r\nlsb,8,-11,")) << rows;

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
