#include "results/dpu_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

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

namespace labq {
namespace {

/// Synth jobs with the given params, metrics and texts, all done.
struct FakeJob {
  std::string name;
  nlohmann::json params;
  std::map<std::string, double> metrics;
  std::map<std::string, std::string> texts;
};

int64_t AddDoneSweep(ResultStore& store, const std::string& name, const std::vector<FakeJob>& jobs,
                     const std::filesystem::path& dir) {
  Sweep s;
  s.name = name;
  for (const auto& job : jobs) s.jobs.push_back({job.name, "synth", "g", job.params, {}});
  const int64_t id = store.AddSweep(s);
  for (const auto& job : jobs) {
    auto claimed = store.ClaimRunnable(id, dir.string());
    EXPECT_TRUE(claimed);
    JobCompletion c;
    c.state = JobState::kDone;
    for (const auto& [metric, value] : job.metrics) c.metrics.push_back({metric, value, ""});
    c.texts = job.texts;
    EXPECT_TRUE(store.FinishJob(claimed->id, c));
  }
  return id;
}

/// The cell of `column` in the row of `job`.
nlohmann::json Cell(const Table& t, const std::string& job, const std::string& column) {
  for (const auto& row : t.rows) {
    if (row[t.Index("job")] == job) return row[t.Index(column)];
  }
  ADD_FAILURE() << "no row " << job;
  return nullptr;
}

std::map<std::string, double> Synthesized(double flops, double comb, double seq_w, double comb_w,
                                          double area) {
  return {{metric::kClockPeriod, 10},
          {metric::kSlack, 2},
          {metric::kTimingMet, 1},
          {metric::kFrequency, 1e8},
          {metric::kFmax, 1.25e8},
          {metric::kArea, area},
          {metric::kPowerTotal, seq_w + comb_w},
          {metric::kOps, 1},
          {metric::kOpsPerW, 1},
          {metric::kOpsPerMm2, 1},
          {metric::kCellCount, flops + comb},
          {metric::kFlopCount, flops},
          {metric::kCombCellCount, comb},
          {metric::kPowerSequential, seq_w},
          {metric::kPowerCombinational, comb_w}};
}

TEST(DpuTable, FrequencyAndFmaxAreTwoColumnsAndOldResultsStillRead) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  auto legacy = Synthesized(19, 5000, 0.01, 0.05, 1000);
  legacy.erase(metric::kFrequency);
  legacy[metric::kClockPeriod] = 5;
  legacy[metric::kSlack] = 1;
  legacy[metric::kFmax] = 2e8;  // an older labq stored the OPS frequency as fmax
  const int64_t id = AddDoneSweep(
      store, "f",
      {{"new.synth",
        {{"n", 8}, {"mode", "full"}},
        Synthesized(19, 5000, 0.01, 0.05, 1000),
        {{"period_source", "lab"}}},
       {"old.synth", {{"n", 8}, {"mode", "full"}}, legacy, {{"period_source", "sweep"}}},
       {"auto.synth",
        {{"n", 8}, {"mode", "msb"}},
        Synthesized(8, 5000, 0.01, 0.05, 1000),
        {{"period_source", "auto (critical path)"}}}},
      tmp.path());
  const Table t = BuildDpuTable(store, id);
  EXPECT_TRUE(t.missing.empty());
  EXPECT_DOUBLE_EQ(Cell(t, "new.synth", "f_MHz"), 100);
  EXPECT_DOUBLE_EQ(Cell(t, "new.synth", "fmax_MHz"), 125);
  EXPECT_DOUBLE_EQ(Cell(t, "old.synth", "f_MHz"), 200);
  EXPECT_DOUBLE_EQ(Cell(t, "old.synth", "fmax_MHz"), 250);  // 1 / (5 ns - 1 ns)
  EXPECT_EQ(Cell(t, "new.synth", "period_source"), "lab");
  EXPECT_EQ(Cell(t, "old.synth", "period_source"), "fixed");
  EXPECT_EQ(Cell(t, "auto.synth", "period_source"), "auto");
  EXPECT_THROW(t.Index("flops"), Error);  // only with --breakdown
}

TEST(DpuTable, BreakdownComparesEachModeWithFullOfTheSameConfiguration) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  auto params = [](int n, const char* mode, const char* liberty = "osu018") {
    return nlohmann::json{{"n", n}, {"mode", mode}, {"liberty", liberty}, {"out_bits", 8}};
  };
  const int64_t id = AddDoneSweep(
      store, "b",
      {{"full.synth", params(8, "full"), Synthesized(19, 5000, 0.010, 0.050, 1000), {}},
       {"msb.synth", params(8, "msb"), Synthesized(8, 5400, 0.004, 0.060, 1100), {}},
       {"lsb.synth", params(8, "lsb"), Synthesized(8, 4900, 0.004, 0.048, 950), {}},
       {"big_msb.synth", params(128, "msb"), Synthesized(8, 80000, 0.004, 1.0, 2e6), {}},
       {"nan_msb.synth", params(8, "msb", "nangate45"), Synthesized(8, 1, 0.004, 1.0, 9), {}}},
      tmp.path());
  const Table t = BuildDpuTable(store, id, {true});
  EXPECT_TRUE(t.missing.empty());
  EXPECT_EQ(t.columns.back().name, "state");
  EXPECT_DOUBLE_EQ(Cell(t, "msb.synth", "flops"), 8);
  EXPECT_DOUBLE_EQ(Cell(t, "msb.synth", "power_seq_mW"), 4);
  EXPECT_DOUBLE_EQ(Cell(t, "msb.synth", "d_flops"), -11);
  EXPECT_DOUBLE_EQ(Cell(t, "msb.synth", "d_comb_cells"), 400);
  EXPECT_NEAR(Cell(t, "msb.synth", "d_power_seq_mW").get<double>(), -6, 1e-9);
  EXPECT_NEAR(Cell(t, "msb.synth", "d_power_comb_mW").get<double>(), 10, 1e-9);
  EXPECT_NEAR(Cell(t, "msb.synth", "d_power_pct").get<double>(), 100.0 * 4 / 60, 1e-9);
  EXPECT_NEAR(Cell(t, "msb.synth", "d_area_pct").get<double>(), 10, 1e-9);
  EXPECT_NEAR(Cell(t, "lsb.synth", "d_power_comb_mW").get<double>(), -2, 1e-9);
  EXPECT_NEAR(Cell(t, "lsb.synth", "d_area_pct").get<double>(), -5, 1e-9);
  // The reference itself, and rows with no full of their N or liberty: empty.
  for (const char* job : {"full.synth", "big_msb.synth", "nan_msb.synth"}) {
    EXPECT_TRUE(Cell(t, job, "d_flops").is_null()) << job;
    EXPECT_TRUE(Cell(t, job, "d_power_pct").is_null()) << job;
  }
  const std::string md = Render(t, {TableFormat::kMarkdown, std::nullopt, {"job", "d_flops"}});
  EXPECT_TRUE(Contains(md, "| msb.synth | -11 |")) << md;

  // A result without the breakdown metrics (an older labq, a Genus legacy
  // power table) says n/a there, with the note.
  auto bare = Synthesized(8, 1, 0, 0, 1);
  bare.erase(metric::kFlopCount);
  const int64_t old_id =
      AddDoneSweep(store, "o", {{"x.synth", params(8, "msb"), bare, {}}}, tmp.path());
  const Table old = BuildDpuTable(store, old_id, {true});
  ASSERT_EQ(old.missing.size(), 1u);
  EXPECT_EQ(old.missing[0].metric, metric::kFlopCount);
  EXPECT_EQ(old.missing[0].column, old.Index("flops"));
}

/// Which DPU a row is: widths and weight format, from the stored params
/// (the lab's family stores input_bits alone).
TEST(DpuTable, FormatColumnNamesWidthsAndWeightFormat) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = AddDoneSweep(
      store, "fmt",
      {{"lab.synth", {{"n", 8}, {"mode", "msb"}}, Synthesized(8, 1, 0, 0, 1), {}},
       {"m4.synth", {{"n", 8}, {"mode", "msb"}, {"input_bits", 4}}, Synthesized(8, 1, 0, 0, 1), {}},
       {"sm.synth",
        {{"n", 8}, {"mode", "msb"}, {"a_bits", 8}, {"b_bits", 4}, {"b_format", "sign-magnitude"}},
        Synthesized(8, 1, 0, 0, 1),
        {}}},
      tmp.path());
  const Table t = BuildDpuTable(store, id);
  EXPECT_EQ(t.Index("format"), t.Index("mode") + 1);
  EXPECT_EQ(Cell(t, "lab.synth", "format"), "a8b8 unsigned");
  EXPECT_EQ(Cell(t, "m4.synth", "format"), "a4b4 unsigned");
  EXPECT_EQ(Cell(t, "sm.synth", "format"), "a8b4 sign-magnitude");
}

}  // namespace
}  // namespace labq
