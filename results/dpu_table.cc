#include "results/dpu_table.h"

#include <optional>
#include <string>
#include <vector>

#include "common/metric_names.h"
#include "results/job_query.h"
#include "results/job_state.h"

namespace labq {
namespace {

/// "osu018" for a named library, the file name for a path.
std::string LibertyName(const std::string& liberty) {
  return liberty.find('/') == std::string::npos ? liberty : liberty.substr(liberty.rfind('/') + 1);
}

/// The verify job this synth job waited for: "pass", or its state.
std::string Verified(const std::optional<JobState>& verify_state) {
  if (!verify_state) return "-";
  return IsSuccess(*verify_state) ? "pass" : ToString(*verify_state);
}

/// "default activity" or "toggle 0.2": how OpenSTA's power figure was made.
std::string PowerModel(const std::optional<std::string>& activity, const nlohmann::json& params) {
  // find, not value(key, default): no JSON copied per row of a long table.
  if (auto rate = params.find("toggle_rate"); rate != params.end() && rate->is_number()) {
    return "toggle rate " + rate->dump();
  }
  if (activity && activity->rfind("global", 0) == 0) return *activity;
  if (activity && activity->rfind("vectors", 0) == 0) return "simulated vectors, labq calculator";
  return "OpenSTA default activity";
}

/// Where the power's switching activity came from: default, global or
/// vectors (results stored before `activity` existed: from toggle_rate).
std::string Activity(const std::optional<std::string>& activity, const nlohmann::json& params) {
  if (activity) return *activity;
  const auto rate = params.find("toggle_rate");
  return rate != params.end() && rate->is_number() ? "global" : "default";
}

std::string PeriodSource(const std::optional<std::string>& source, const nlohmann::json& params) {
  if (source) return source->rfind("auto", 0) == 0 ? "auto" : "sweep";
  const auto period = params.find("clock_period_ns");
  return period != params.end() && period->is_string() ? "auto" : "sweep";
}

/// The metrics the table reads, in JobColumns order, and the column each
/// one fills (where a successful job lacks it, that cell is marked missing).
enum Metric { kPeriod, kSlack, kTimingMet, kFmax, kArea, kPower, kOps, kOpsPerW, kOpsPerMm2 };
const std::vector<std::string> kMetrics = {
    metric::kClockPeriod, metric::kSlack, metric::kTimingMet, metric::kFmax,     metric::kArea,
    metric::kPowerTotal,  metric::kOps,   metric::kOpsPerW,   metric::kOpsPerMm2};
const std::vector<std::string> kMetricColumns = {"period_ns", "slack_ns",  "timing",
                                                 "f_MHz",     "area_um2",  "power_mW",
                                                 "OPS_per_s", "OPS_per_W", "OPS_per_mm2"};
enum Text { kPowerActivity, kPeriodSource, kActivity };
const std::vector<std::string> kTexts = {"power_activity", "period_source", "activity"};
/// The params the table reads (PowerModel, PeriodSource and the N, mode and
/// liberty columns); SQLite extracts just these from each job's params.
const std::vector<std::string> kParams = {"n", "mode", "liberty", "toggle_rate", "clock_period_ns"};

}  // namespace

Table BuildDpuTable(ResultStore& store, std::optional<int64_t> sweep_id) {
  Table table;
  table.columns = {{"sweep", ""},
                   {"job_id", ""},
                   {"job", ""},
                   {"N", ""},
                   {"mode", ""},
                   {"liberty", ""},
                   {"verified", ""},
                   {"cached", ""},
                   {"period_ns", "ns"},
                   {"period_source", ""},
                   {"slack_ns", "ns"},
                   {"timing", ""},
                   {"f_MHz", "MHz"},
                   {"fmax_MHz", "MHz"},
                   {"area_um2", "um^2"},
                   {"power_mW", "mW"},
                   {"activity", ""},
                   {"power_model", ""},
                   {"OPS_per_s", "OPS/s"},
                   {"OPS_per_W", "OPS/W"},
                   {"OPS_per_mm2", "OPS/s/mm^2"},
                   {"state", ""}};
  // One query for the whole table, whatever its size (not three per job).
  auto jobs = store.JobRows({sweep_id, std::nullopt, "synth"}, {kMetrics, kTexts, "sim", kParams});
  table.rows.reserve(jobs.size());
  std::vector<size_t> metric_column;
  for (const auto& name : kMetricColumns) metric_column.push_back(table.Index(name));
  for (auto& job : jobs) {  // names are moved into the table, not copied
    const bool have = IsSuccess(job.state);
    const auto& m = job.metrics;
    for (size_t k = 0; have && k < kMetrics.size(); ++k) {
      if (!m[k])
        table.missing.push_back({table.rows.size(), metric_column[k], kMetrics[k], job.name});
    }
    auto raw = [&](Metric metric, double scale = 1.0) -> nlohmann::json {
      if (!have || !m[metric]) return nullptr;
      return *m[metric] * scale;
    };
    // fmax is what the critical path allows: 1/(period - slack), met or not;
    // f is the clock the design runs at (the period when met, else fmax).
    nlohmann::json fmax = nullptr;
    if (have && m[kPeriod] && m[kSlack] && *m[kPeriod] - *m[kSlack] > 0) {
      fmax = 1e3 / (*m[kPeriod] - *m[kSlack]);
    }
    nlohmann::json timing = nullptr;
    if (have && m[kTimingMet]) timing = *m[kTimingMet] != 0 ? "met" : "VIOLATED";
    const auto& p = job.params;
    table.Add(std::move(job.sweep_name), job.id, std::move(job.name), p.value("n", 0),
              p.value("mode", ""), LibertyName(p.value("liberty", "")),
              Verified(job.dependency_state), job.state == JobState::kCached, raw(kPeriod),
              PeriodSource(job.texts[kPeriodSource], p), raw(kSlack), timing, raw(kFmax, 1e-6),
              fmax, raw(kArea), raw(kPower, 1e3), Activity(job.texts[kActivity], p),
              PowerModel(job.texts[kPowerActivity], p), raw(kOps), raw(kOpsPerW), raw(kOpsPerMm2),
              ToString(job.state));
  }
  return table;
}

const std::vector<std::string>& DpuTableMetrics() { return kMetrics; }

}  // namespace labq
