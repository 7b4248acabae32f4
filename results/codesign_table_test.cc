#include "results/codesign_table.h"

#include <gtest/gtest.h>

#include <map>

#include "common/metric_names.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using nlohmann::json;

/// A finished co-design sweep, filled by hand: a nested training job, five
/// synthesis jobs (s3 done without ops_per_w, s4 the unsigned DPU) and seven
/// evaluations. 8e5 MACs per image: N = 8 in 1e5 calls is every multiplier
/// busy; N = 128 in 1e4 calls pads (utilization 0.625); unsigned-split at
/// N = 8 makes 2e5 calls (0.5).
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
  static JobSpec Eval(const std::string& name, int n, const std::string& synth,
                      const std::string& b_format = "sign-magnitude") {
    return {name,
            "hw_eval",
            "ev",
            {{"n", n}, {"mode", "msb"}, {"b_format", b_format}, {"precision", 8}},
            {"t.train", synth}};
  }
  static JobCompletion Evaluated(double acc, double calls) {
    return Done({M(metric::kHwAccuracy, acc), M(metric::kFloatAccuracy, 91),
                 M(metric::kMacsPerImage, 8e5), M(metric::kDpuCallsPerImage, calls)});
  }

  CodesignSweep() {
    Sweep s;
    s.name = "cd";
    s.jobs.push_back({"t.train", "qat", "t", {{"mode", "nested"}}, {}});
    for (const char* synth : {"s1.synth", "s2.synth", "s3.synth", "s4.synth", "s5.synth"}) {
      s.jobs.push_back({synth, "synth", "hw", {{"n", 8}, {"mode", "msb"}}, {}});
    }
    s.jobs.push_back(Eval("e1.hweval", 8, "s1.synth"));
    s.jobs.push_back(Eval("e2.hweval", 128, "s2.synth"));
    s.jobs.push_back(Eval("e3.hweval", 8, "s1.synth"));
    s.jobs.push_back(Eval("e4.hweval", 128, "s2.synth"));
    s.jobs.push_back(Eval("e5.hweval", 8, "s3.synth"));
    s.jobs.push_back(Eval("e6.hweval", 8, "s4.synth", "unsigned-split"));
    s.jobs.push_back(Eval("e7.hweval", 8, "s5.synth"));
    id = store.AddSweep(s);
    std::map<std::string, JobCompletion> results = {
        {"t.train", Done({})},
        {"s1.synth", Done({M(metric::kOpsPerW, 1e12), M(metric::kOpsPerMm2, 3e9)})},
        {"s2.synth", Done({M(metric::kOpsPerW, 2e12), M(metric::kOpsPerMm2, 5e9)})},
        {"s3.synth", Done({M("ops_per_watt", 4e12), M(metric::kOpsPerMm2, 6e9)})},
        {"s4.synth", Done({M(metric::kOpsPerW, 1e12), M(metric::kOpsPerMm2, 4e9)})},
        {"s5.synth", Done({M(metric::kOpsPerW, 8e11), M(metric::kOpsPerMm2, 2e9)})},
        {"e1.hweval", Evaluated(90, 1e5)},
        {"e2.hweval", Evaluated(85, 1e4)},
        {"e3.hweval", Evaluated(80, 1e5)},
        {"e4.hweval", Done({M(metric::kFloatAccuracy, 91), M(metric::kMacsPerImage, 8e5),
                            M(metric::kDpuCallsPerImage, 1e4)})},
        {"e5.hweval", Evaluated(95, 1e5)},
        {"e6.hweval", Evaluated(92, 2e5)},
        {"e7.hweval", Evaluated(93, 1e5)},
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

double Number(const json& cell) { return cell.get<double>(); }

TEST(CodesignTable, JoinsEachEvaluationWithItsSynthesis) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  ASSERT_EQ(t.rows.size(), 7u);  // hw_eval jobs only
  const json e1 = Row(t, "e1.hweval");
  EXPECT_EQ(e1["N"], 8);
  EXPECT_EQ(e1["mode"], "msb");
  EXPECT_EQ(e1["b_format"], "sign-magnitude");
  EXPECT_EQ(e1["precision"], 8);
  EXPECT_EQ(e1["accuracy_pct"], 90);
  EXPECT_EQ(e1["delta_pts"], -1);
  EXPECT_EQ(e1["dpu_OPS_per_W"], 1e12);
  EXPECT_EQ(e1["utilization"], 1);
  EXPECT_EQ(e1["OPS_per_W"], 1e12);  // every multiplier busy: the network gets the DPU's
  EXPECT_EQ(e1["OPS_per_mm2"], 3e9);
  EXPECT_EQ(e1["synth_job"], "s1.synth");
  EXPECT_EQ(e1["state"], "done");
}

TEST(CodesignTable, ColumnNamesOfCsvAndJson) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  const std::string kHeader =
      "sweep,job_id,job,N,mode,b_format,precision,accuracy_pct,delta_pts,OPS_per_W,OPS_per_mm2,"
      "utilization,dpu_OPS_per_W,energy_pJ,pareto,synth_job,state";
  const std::string csv = Render(t, {TableFormat::kCsv, std::nullopt, {}});
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")), kHeader);
  const json columns = json::parse(Render(t, {TableFormat::kJson, std::nullopt, {}}))["columns"];
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ",") + c["name"].get<std::string>();
  EXPECT_EQ(names, kHeader);
  EXPECT_EQ(columns[9]["unit"], "OPS/W");   // OPS_per_W
  EXPECT_EQ(columns[12]["unit"], "OPS/W");  // dpu_OPS_per_W
  EXPECT_EQ(csv.find("dpu_energy_pJ"), std::string::npos);
}

TEST(CodesignTable, SplitRowGetsHalfTheDpusOpsPerWatt) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  // Unsigned-split: 2e5 calls of 8 multipliers for 8e5 MACs, two calls per
  // chunk, so half of every cycle's operations do a MAC the network needs.
  const json e6 = Row(t, "e6.hweval");
  EXPECT_EQ(e6["b_format"], "unsigned-split");
  EXPECT_EQ(e6["dpu_OPS_per_W"], 1e12);
  EXPECT_DOUBLE_EQ(Number(e6["utilization"]), 0.5);
  EXPECT_DOUBLE_EQ(Number(e6["OPS_per_W"]), 5e11);
  EXPECT_DOUBLE_EQ(Number(e6["OPS_per_mm2"]), 2e9);
  EXPECT_DOUBLE_EQ(Utilization(8, 2, 8).value(), 0.5);
}

TEST(CodesignTable, PaddingLowersTheNetworksOpsPerWatt) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  // N = 128: 1e4 calls x 128 = 1.28e6 multiplier slots for 8e5 MACs.
  const json e2 = Row(t, "e2.hweval");
  EXPECT_EQ(e2["dpu_OPS_per_W"], 2e12);
  EXPECT_DOUBLE_EQ(Number(e2["utilization"]), 0.625);
  EXPECT_DOUBLE_EQ(Number(e2["OPS_per_W"]), 1.25e12);
  EXPECT_DOUBLE_EQ(Number(e2["OPS_per_mm2"]), 3.125e9);
  EXPECT_EQ(Utilization(1, 0, 8), std::nullopt);
  EXPECT_EQ(Utilization(1, 1, 0), std::nullopt);
}

TEST(CodesignTable, EnergyIsTwoOpsPerMacAtTheNetworksOpsPerWatt) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  // 2 x 8e5 MACs / 1e12 OPS/W = 1.6e-6 J. It is also what the DPU spends:
  // calls x 2N operations at the DPU's OPS/W, padding and the second call of
  // unsigned-split included (e2: 1e4 x 256 / 2e12; e6: 2e5 x 16 / 1e12).
  EXPECT_DOUBLE_EQ(Number(Row(t, "e1.hweval")["energy_pJ"]), 1.6e6);
  EXPECT_DOUBLE_EQ(Number(Row(t, "e2.hweval")["energy_pJ"]), 1e4 * 256 / 2e12 * 1e12);
  EXPECT_DOUBLE_EQ(Number(Row(t, "e6.hweval")["energy_pJ"]), 2e5 * 16 / 1e12 * 1e12);
  EXPECT_TRUE(Row(t, "e5.hweval")["energy_pJ"].is_null());  // no OPS/W
  EXPECT_EQ(EnergyPerInferencePj(1e6, 0), std::nullopt);
}

TEST(CodesignTable, ParetoFlagsRowsNoOtherBeatsInAccuracyAndNetworkOpsPerWatt) {
  CodesignSweep s;
  const Table t = BuildCodesignTable(s.store, s.id);
  EXPECT_EQ(Row(t, "e1.hweval")["pareto"], "yes");  // e6's 1e12 is the DPU's, not the network's
  EXPECT_EQ(Row(t, "e2.hweval")["pareto"], "yes");  // the most efficient, padding and all
  EXPECT_EQ(Row(t, "e3.hweval")["pareto"], "no");   // e1: same OPS/W, more accurate
  EXPECT_EQ(Row(t, "e6.hweval")["pareto"], "no");   // e7: more accurate at 8e11 > 5e11
  EXPECT_EQ(Row(t, "e7.hweval")["pareto"], "yes");  // the most accurate of those with OPS/W
  EXPECT_TRUE(Row(t, "e4.hweval")["pareto"].is_null());  // no accuracy: no verdict
  EXPECT_TRUE(Row(t, "e5.hweval")["pareto"].is_null());  // no OPS/W: no verdict

  // On the DPU's own OPS/W the front would be another: the split row e6
  // (92 %, 1e12) on it and e1 (90 %, 1e12) off it.
  std::vector<std::string> jobs;
  std::vector<std::optional<std::pair<double, double>>> raw;
  for (const auto& row : json::parse(RenderJson(t, 6))["rows"]) {
    jobs.push_back(row["job"]);
    raw.push_back(
        row["accuracy_pct"].is_number() && row["dpu_OPS_per_W"].is_number()
            ? std::optional(std::pair(Number(row["accuracy_pct"]), Number(row["dpu_OPS_per_W"])))
            : std::nullopt);
  }
  const auto dpu_front = ParetoFront(raw);
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i] == "e6.hweval") {
      EXPECT_EQ(dpu_front[i], true);
    }
    if (jobs[i] == "e1.hweval") {
      EXPECT_EQ(dpu_front[i], false);
    }
  }

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
