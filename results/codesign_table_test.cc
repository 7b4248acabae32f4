#include "results/codesign_table.h"

#include <gtest/gtest.h>

#include <map>

#include "common/metric_names.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using nlohmann::json;

/// A finished co-design sweep, filled by hand: a nested training job, three
/// synthesis jobs (s3 done without ops_per_w) and five evaluations.
struct CodesignSweep {
  testing::TempDir tmp;
  ResultStore store{(tmp.path() / "r.db").string()};
  int64_t id = 0;

  static JobCompletion Done(std::vector<MetricRecord> metrics) {
    JobCompletion c;
    c.state = JobState::kDone;
    c.metrics = std::move(metrics);
    return c;
  }
  static MetricRecord M(const char* name, double value) { return {name, value, ""}; }
  static JobSpec Eval(const std::string& name, int n, const std::string& synth) {
    return {name,
            "hw_eval",
            "ev",
            {{"n", n}, {"mode", "msb"}, {"b_format", "sign-magnitude"}, {"precision", 8}},
            {"t.train", synth}};
  }

  CodesignSweep() {
    Sweep s;
    s.name = "cd";
    s.jobs.push_back({"t.train", "qat", "t", {{"mode", "nested"}}, {}});
    for (const char* synth : {"s1.synth", "s2.synth", "s3.synth"}) {
      s.jobs.push_back({synth, "synth", "hw", {{"n", 8}, {"mode", "msb"}}, {}});
    }
    s.jobs.push_back(Eval("e1.hweval", 8, "s1.synth"));
    s.jobs.push_back(Eval("e2.hweval", 128, "s2.synth"));
    s.jobs.push_back(Eval("e3.hweval", 8, "s1.synth"));
    s.jobs.push_back(Eval("e4.hweval", 128, "s2.synth"));
    s.jobs.push_back(Eval("e5.hweval", 8, "s3.synth"));
    id = store.AddSweep(s);
    auto eval = [](double acc) {
      return Done({M(metric::kHwAccuracy, acc), M(metric::kFloatAccuracy, 91),
                   M(metric::kMacsPerImage, 1e6), M(metric::kDpuCallsPerImage, 1e5)});
    };
    std::map<std::string, JobCompletion> results = {
        {"t.train", Done({})},
        {"s1.synth", Done({M(metric::kOpsPerW, 1e12), M(metric::kOpsPerMm2, 3e9)})},
        {"s2.synth", Done({M(metric::kOpsPerW, 2e12), M(metric::kOpsPerMm2, 5e9)})},
        {"s3.synth", Done({M("ops_per_watt", 4e12), M(metric::kOpsPerMm2, 6e9)})},
        {"e1.hweval", eval(90)},
        {"e2.hweval", eval(85)},
        {"e3.hweval", eval(80)},
        {"e4.hweval", Done({M(metric::kFloatAccuracy, 91), M(metric::kMacsPerImage, 1e6),
                            M(metric::kDpuCallsPerImage, 1e5)})},
        {"e5.hweval", eval(95)},
    };
    for (size_t i = 0; i < results.size(); ++i) {
      auto job = store.ClaimRunnable(id, (tmp.path() / "w").string());
      if (!job) {
        ADD_FAILURE() << "nothing runnable after " << i << " jobs";
        return;
      }
      EXPECT_TRUE(store.FinishJob(job->id, results.at(job->name)));
    }
  }
};

/// The row of `job`, as column name -> cell.
json Row(const Table& t, const std::string& job) {
  const auto all = json::parse(RenderJson(t, 6))["rows"];
  for (const auto& row : all) {
    if (row["job"] == job) return row;
  }
  return json();
}

TEST(CodesignTable, JoinsEachEvaluationWithItsSynthesis) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  ASSERT_EQ(t.rows.size(), 5u);  // hw_eval jobs only
  const json e1 = Row(t, "e1.hweval");
  EXPECT_EQ(e1["N"], 8);
  EXPECT_EQ(e1["mode"], "msb");
  EXPECT_EQ(e1["b_format"], "sign-magnitude");
  EXPECT_EQ(e1["precision"], 8);
  EXPECT_EQ(e1["accuracy_pct"], 90);
  EXPECT_EQ(e1["delta_pts"], -1);
  EXPECT_EQ(e1["OPS_per_W"], 1e12);
  EXPECT_EQ(e1["OPS_per_mm2"], 3e9);
  EXPECT_EQ(e1["synth_job"], "s1.synth");
  EXPECT_EQ(e1["state"], "done");
}

TEST(CodesignTable, EnergyIsTwoOpsPerMacAtTheDpusOpsPerWatt) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  // 2 * 1e6 MACs / 1e12 OPS/W = 2e-6 J = 2e6 pJ; at 2e12 OPS/W half that.
  EXPECT_EQ(Row(t, "e1.hweval")["energy_pJ"], 2e6);
  EXPECT_EQ(Row(t, "e2.hweval")["energy_pJ"], 1e6);
  EXPECT_TRUE(Row(t, "e5.hweval")["energy_pJ"].is_null());  // no OPS/W
  // What the DPU spends: 1e5 calls of 2N operations (N = 8: 1.6e6 OPs; N =
  // 128 at 2e12 OPS/W: 2.56e7 OPs, padding included).
  EXPECT_EQ(Row(t, "e1.hweval")["dpu_energy_pJ"], 1.6e6);
  EXPECT_EQ(Row(t, "e2.hweval")["dpu_energy_pJ"], 1.28e7);
  EXPECT_EQ(DpuEnergyPerInferencePj(10, 4, 1e12), 80);
  EXPECT_EQ(EnergyPerInferencePj(1e6, 0), std::nullopt);
}

TEST(CodesignTable, ParetoFlagsRowsNoOtherBeatsInAccuracyAndOpsPerWatt) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  EXPECT_EQ(Row(t, "e1.hweval")["pareto"], "yes");       // the most accurate of those with OPS/W
  EXPECT_EQ(Row(t, "e2.hweval")["pareto"], "yes");       // the most efficient
  EXPECT_EQ(Row(t, "e3.hweval")["pareto"], "no");        // e1: same OPS/W, more accurate
  EXPECT_TRUE(Row(t, "e4.hweval")["pareto"].is_null());  // no accuracy: no verdict
  EXPECT_TRUE(Row(t, "e5.hweval")["pareto"].is_null());  // no OPS/W: no verdict

  // Ties dominate nobody; a point better in one and equal in the other does.
  const auto front = ParetoFront({std::pair(1.0, 1.0), std::pair(1.0, 1.0), std::pair(2.0, 1.0),
                                  std::nullopt, std::pair(0.5, 3.0)});
  EXPECT_EQ(front, (std::vector<std::optional<bool>>{false, false, true, std::nullopt, true}));
}

TEST(CodesignTable, AMissingMetricIsNamedNotAnEmptyCell) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  const auto notes = MissingMetricNotes(t, "codesign");
  ASSERT_EQ(notes.size(), 2u) << (notes.empty() ? "" : notes[0]);
  EXPECT_EQ(notes[0],
            "table codesign: metric 'accuracy' (column accuracy_pct) is missing for 1 job that "
            "succeeded: e4.hweval; shown as n/a");
  EXPECT_EQ(notes[1],
            "table codesign: metric 'ops_per_w' (column OPS_per_W) is missing for 1 job that "
            "succeeded: s3.synth; shown as n/a");
  const std::string text =
      Render(t, {TableFormat::kText, std::nullopt, {"job", "accuracy_pct", "OPS_per_W"}});
  for (const auto& line : SplitLines(text)) {
    const bool marked = Contains(line, "e4.hweval") || Contains(line, "e5.hweval");
    EXPECT_EQ(Contains(line, "n/a"), marked) << line;
  }
}

}  // namespace
}  // namespace labq
