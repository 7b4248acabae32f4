#include "results/dpu_table.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/metric_names.h"
#include "common/text.h"
#include "results/qat_table.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

bool Lists(const auto& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// The rendered line that mentions `job`.
std::string LineOf(const std::string& text, const std::string& job) {
  for (const auto& line : SplitLines(text)) {
    if (Contains(line, job)) return std::string(line);
  }
  return "";
}

// The tables read only names the flows write; the flows' own tests
// (jobs/synth_job_test.cc, jobs/genus_flow_test.cc) check that each flow
// stores every name of metric::kSynthWritten.
TEST(MetricNames, EveryNameATableReadsIsOneAFlowWrites) {
  ASSERT_FALSE(DpuTableMetrics().empty());
  for (const auto& name : DpuTableMetrics()) {
    EXPECT_TRUE(Lists(metric::kSynthWritten, name)) << "dpu table reads " << name;
  }
  for (const auto& name : QatTableMetrics()) {
    EXPECT_TRUE(Lists(metric::kQatWritten, name)) << "qat table reads " << name;
  }
}

/// A sweep of three synth jobs: a.synth with every metric, b.synth done but
/// without power_total (as if a flow had written "power_totl"), c.synth failed.
struct DpuSweep {
  testing::TempDir tmp;
  ResultStore store{(tmp.path() / "r.db").string()};
  int64_t id = 0;

  DpuSweep() {
    Sweep s;
    s.name = "dpu";
    for (const char* name : {"a.synth", "b.synth", "c.synth"}) {
      s.jobs.push_back({name, "synth", "g", {{"n", 4}, {"mode", "full"}}, {}});
    }
    id = store.AddSweep(s);
    for (int i = 0; i < 3; ++i) {
      auto job = store.ClaimRunnable(id, (tmp.path() / "w").string());
      JobCompletion c;
      c.state = i == 2 ? JobState::kFailed : JobState::kDone;
      if (i < 2) {
        for (const std::string_view name : metric::kSynthWritten) {
          if (i == 1 && name == metric::kPowerTotal) {
            c.metrics.push_back({"power_totl", 1e-3, "W"});
            continue;
          }
          c.metrics.push_back({std::string(name), name == metric::kTimingMet ? 1.0 : 2.0, ""});
        }
      }
      EXPECT_TRUE(store.FinishJob(job->id, c));
    }
  }
};

TEST(DpuTable, AMissingMetricIsNamedNotAnEmptyCell) {
  DpuSweep s;
  const Table t = BuildDpuTable(s.store, s.id);
  ASSERT_EQ(t.rows.size(), 3u);
  ASSERT_EQ(t.missing.size(), 1u);  // the failed job lacks every metric, but it failed
  EXPECT_EQ(t.missing[0].row, 1u);
  EXPECT_EQ(t.missing[0].column, t.Index("power_mW"));
  EXPECT_EQ(t.missing[0].metric, metric::kPowerTotal);
  EXPECT_EQ(t.missing[0].job, "b.synth");

  const auto notes = MissingMetricNotes(t, "dpu");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "table dpu: metric 'power_total' (column power_mW) is missing for 1 job that "
            "succeeded: b.synth; shown as n/a");

  // People read n/a; the failed job's cells stay empty.
  const std::string text = Render(t, {TableFormat::kText, std::nullopt, {"job", "power_mW"}});
  EXPECT_TRUE(Contains(LineOf(text, "b.synth"), "n/a")) << text;
  EXPECT_FALSE(Contains(LineOf(text, "a.synth"), "n/a")) << text;
  EXPECT_FALSE(Contains(LineOf(text, "c.synth"), "n/a")) << text;
  const std::string md = Render(t, {TableFormat::kMarkdown, std::nullopt, {"job", "power_mW"}});
  EXPECT_TRUE(Contains(md, "| b.synth | n/a |")) << md;

  // Machines read an empty cell and null, as for any value that is not there.
  const std::string csv = Render(t, {TableFormat::kCsv, std::nullopt, {"job", "power_mW"}});
  EXPECT_TRUE(Contains(csv, "b.synth,\r\n")) << csv;
  EXPECT_FALSE(Contains(csv, "n/a")) << csv;
  const auto json = nlohmann::json::parse(Render(t, {TableFormat::kJson, std::nullopt, {}}));
  EXPECT_TRUE(json["rows"][1]["power_mW"].is_null()) << json.dump();
  EXPECT_EQ(json["rows"][0]["power_mW"], 2e3);  // 2 W in mW

  // Picking columns keeps the mark on the right cell, or drops it with its column.
  EXPECT_EQ(SelectColumns(t, {"power_mW", "job"}).missing.at(0).column, 0u);
  EXPECT_TRUE(SelectColumns(t, {"job"}).missing.empty());
}

TEST(DpuTable, NotesGroupJobsPerMetric) {
  Table t;
  t.columns = {{"job", ""}, {"x", ""}, {"y", ""}};
  for (int i = 0; i < 7; ++i) {
    t.AddRow({"j" + std::to_string(i), nullptr, nullptr});
    t.missing.push_back({static_cast<size_t>(i), 1, "mx", "j" + std::to_string(i)});
  }
  t.missing.push_back({0, 2, "my", "j0"});
  const auto notes = MissingMetricNotes(t, "t");
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0],
            "table t: metric 'mx' (column x) is missing for 7 jobs that succeeded: j0, j1, j2, "
            "j3, j4 and 2 more; shown as n/a");
  EXPECT_EQ(notes[1],
            "table t: metric 'my' (column y) is missing for 1 job that succeeded: j0; shown as "
            "n/a");
  EXPECT_TRUE(MissingMetricNotes(Table{}, "t").empty());
}

}  // namespace
}  // namespace labq
