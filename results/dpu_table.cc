#include "results/dpu_table.h"

#include <map>
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

/// fixed, lab, auto-common or auto (jobs/dpu_kind.h ClockSource); results
/// of older labq said "sweep" and "auto (critical path)".
std::string PeriodSource(const std::optional<std::string>& source, const nlohmann::json& params) {
  if (source) {
    if (*source == "sweep") return "fixed";
    if (source->rfind("auto (", 0) == 0) return "auto";
    return *source;
  }
  const auto period = params.find("clock_period_ns");
  if (period == params.end() || !period->is_string()) return "fixed";
  if (*period == "lab") return "lab";
  return params.contains("period_peers") ? "auto-common" : "auto";
}

/// A stored width: its number, else input_bits' (the lab's family stores
/// input_bits alone), else 8.
int Width(const nlohmann::json& params, const char* key) {
  for (const char* k : {key, "input_bits"}) {
    if (auto it = params.find(k); it != params.end() && it->is_number_integer()) {
      return it->get<int>();
    }
  }
  return 8;
}

/// "a8b8 unsigned", "a8b4 sign-magnitude": which DPU a row is, beside N and
/// mode (module names carry it too: dpu/dpu_design.h NameSuffix).
std::string Format(const nlohmann::json& params) {
  const auto format = params.find("b_format");
  return "a" + std::to_string(Width(params, "a_bits")) + "b" +
         std::to_string(Width(params, "b_bits")) + " " +
         (format != params.end() && format->is_string() ? format->get<std::string>() : "unsigned");
}

/// The metrics the table reads, in JobColumns order, and the column each
/// one fills (where a successful job lacks it, that cell is marked missing).
/// kFrequency's and kFmax's columns are filled together (RowFrequencies).
enum Metric {
  kPeriod,
  kSlack,
  kTimingMet,
  kFrequency,
  kArea,
  kPower,
  kOps,
  kOpsPerW,
  kOpsPerMm2,
  kFmax,
  kFlops,
  kCombCells,
  kPowerSeq,
  kPowerComb
};
const std::vector<std::string> kMetrics = {metric::kClockPeriod,
                                           metric::kSlack,
                                           metric::kTimingMet,
                                           metric::kFrequency,
                                           metric::kArea,
                                           metric::kPowerTotal,
                                           metric::kOps,
                                           metric::kOpsPerW,
                                           metric::kOpsPerMm2,
                                           metric::kFmax,
                                           metric::kFlopCount,
                                           metric::kCombCellCount,
                                           metric::kPowerSequential,
                                           metric::kPowerCombinational};
const std::vector<std::string> kMetricColumns = {
    "period_ns", "slack_ns",    "timing",   "f_MHz", "area_um2",   "power_mW",     "OPS_per_s",
    "OPS_per_W", "OPS_per_mm2", "fmax_MHz", "flops", "comb_cells", "power_seq_mW", "power_comb_mW"};
/// Metrics up to here are in every table; the rest only with --breakdown.
constexpr size_t kBaseMetrics = kFlops;
enum Text { kPowerActivity, kPeriodSource, kActivity };
const std::vector<std::string> kTexts = {"power_activity", "period_source", "activity"};
/// The params the table reads (PowerModel, PeriodSource, the N, mode and
/// liberty columns, and what makes two rows one comparison for the
/// breakdown); SQLite extracts just these from each job's params.
const std::vector<std::string> kParams = {
    "n",          "mode", "liberty",      "toggle_rate", "clock_period_ns", "lab_clock_ns", "flow",
    "input_bits", "rtl",  "period_peers", "a_bits",      "b_bits",          "b_format"};

/// f (the clock the OPS use) and fmax (1 / (period - slack)), in MHz.
/// Results stored before `frequency` existed kept f under `fmax`: there fmax
/// comes from the period and slack instead.
struct Frequencies {
  nlohmann::json f = nullptr, fmax = nullptr;
  bool legacy = false;
};
Frequencies RowFrequencies(bool have, const std::vector<std::optional<double>>& m) {
  Frequencies out;
  if (!have) return out;
  out.legacy = !m[kFrequency] && m[kFmax];
  if (out.legacy) {
    out.f = *m[kFmax] * 1e-6;
    if (m[kPeriod] && m[kSlack] && *m[kPeriod] - *m[kSlack] > 0) {
      out.fmax = 1e3 / (*m[kPeriod] - *m[kSlack]);
    }
    return out;
  }
  if (m[kFrequency]) out.f = *m[kFrequency] * 1e-6;
  if (m[kFmax]) out.fmax = *m[kFmax] * 1e-6;
  return out;
}

/// The columns of every table; --breakdown inserts kBreakdownColumns before
/// `state`.
std::vector<Column> DpuColumns(bool breakdown) {
  std::vector<Column> columns = {{"sweep", ""},
                                 {"job_id", ""},
                                 {"job", ""},
                                 {"N", ""},
                                 {"mode", ""},
                                 {"format", ""},
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
                                 {"OPS_per_mm2", "OPS/s/mm^2"}};
  if (breakdown) {
    for (Column c : std::vector<Column>{{"flops", ""},
                                        {"comb_cells", ""},
                                        {"power_seq_mW", "mW"},
                                        {"power_comb_mW", "mW"},
                                        {"d_flops", ""},
                                        {"d_comb_cells", ""},
                                        {"d_power_seq_mW", "mW"},
                                        {"d_power_comb_mW", "mW"},
                                        {"d_power_pct", "%"},
                                        {"d_area_pct", "%"}}) {
      columns.push_back(std::move(c));
    }
  }
  columns.push_back({"state", ""});
  return columns;
}

/// What a row is compared on: the same sweep and every parameter the table
/// reads but the mode (out_bits does not change a full design).
std::string ComparisonKey(int64_t sweep_id, nlohmann::json params) {
  params.erase("mode");
  params.erase("period_peers");
  return std::to_string(sweep_id) + ":" + params.dump();
}

/// The numbers a breakdown row is compared with its `full` row on.
struct BreakdownValues {
  std::string key;
  bool full = false;
  std::optional<double> flops, comb_cells, power_seq, power_comb, power, area;
};

/// Fills the d_ columns: each row against the first `full` row of its
/// comparison (same sweep, N, widths, liberty, flow, clock and activity);
/// empty for the full rows themselves and where either value is missing.
void FillDeltas(Table& table, const std::vector<BreakdownValues>& values) {
  std::map<std::string, size_t> full_row;
  for (size_t r = 0; r < values.size(); ++r) {
    if (values[r].full) full_row.emplace(values[r].key, r);
  }
  auto diff = [](const std::optional<double>& a, const std::optional<double>& b,
                 double scale) -> nlohmann::json {
    if (!a || !b) return nullptr;
    return (*a - *b) * scale;
  };
  auto pct = [](const std::optional<double>& a, const std::optional<double>& b) -> nlohmann::json {
    if (!a || !b || *b == 0) return nullptr;
    return 100.0 * (*a - *b) / *b;
  };
  const size_t first = table.Index("d_flops");
  for (size_t r = 0; r < values.size(); ++r) {
    const auto ref = full_row.find(values[r].key);
    if (values[r].full || ref == full_row.end()) continue;
    const BreakdownValues& v = values[r];
    const BreakdownValues& f = values[ref->second];
    auto& row = table.rows[r];
    row[first] = diff(v.flops, f.flops, 1);
    row[first + 1] = diff(v.comb_cells, f.comb_cells, 1);
    row[first + 2] = diff(v.power_seq, f.power_seq, 1e3);
    row[first + 3] = diff(v.power_comb, f.power_comb, 1e3);
    row[first + 4] = pct(v.power, f.power);
    row[first + 5] = pct(v.area, f.area);
  }
}

}  // namespace

Table BuildDpuTable(ResultStore& store, std::optional<int64_t> sweep_id,
                    const DpuTableOptions& options) {
  Table table;
  table.columns = DpuColumns(options.breakdown);
  // One query for the whole table, whatever its size (not three per job).
  auto jobs = store.JobRows({sweep_id, std::nullopt, "synth"}, {kMetrics, kTexts, "sim", kParams});
  table.rows.reserve(jobs.size());
  std::vector<size_t> metric_column;
  const size_t read = options.breakdown ? kMetrics.size() : kBaseMetrics;
  for (size_t k = 0; k < read; ++k) metric_column.push_back(table.Index(kMetricColumns[k]));
  std::vector<BreakdownValues> breakdown;
  for (auto& job : jobs) {  // names are moved into the table, not copied
    const bool have = IsSuccess(job.state);
    const auto& m = job.metrics;
    const Frequencies freq = RowFrequencies(have, m);
    for (size_t k = 0; have && k < read; ++k) {
      // A legacy row's f is its fmax metric; its fmax is derived.
      if (freq.legacy && k == kFrequency) continue;
      if (!m[k])
        table.missing.push_back({table.rows.size(), metric_column[k], kMetrics[k], job.name});
    }
    auto raw = [&](Metric metric, double scale = 1.0) -> nlohmann::json {
      if (!have || !m[metric]) return nullptr;
      return *m[metric] * scale;
    };
    nlohmann::json timing = nullptr;
    if (have && m[kTimingMet]) timing = *m[kTimingMet] != 0 ? "met" : "VIOLATED";
    const auto& p = job.params;
    const std::string mode = p.value("mode", "");
    table.Add(std::move(job.sweep_name), job.id, std::move(job.name), p.value("n", 0), mode,
              Format(p), LibertyName(p.value("liberty", "")), Verified(job.dependency_state),
              job.state == JobState::kCached, raw(kPeriod),
              PeriodSource(job.texts[kPeriodSource], p), raw(kSlack), timing, freq.f, freq.fmax,
              raw(kArea), raw(kPower, 1e3), Activity(job.texts[kActivity], p),
              PowerModel(job.texts[kPowerActivity], p), raw(kOps), raw(kOpsPerW), raw(kOpsPerMm2));
    auto& row = table.rows.back();
    if (options.breakdown) {
      row.push_back(raw(kFlops));
      row.push_back(raw(kCombCells));
      row.push_back(raw(kPowerSeq, 1e3));
      row.push_back(raw(kPowerComb, 1e3));
      for (int d = 0; d < 6; ++d) row.push_back(nullptr);  // FillDeltas
      auto value = [&](Metric metric) { return have ? m[metric] : std::nullopt; };
      breakdown.push_back({ComparisonKey(job.sweep_id, p), mode == "full", value(kFlops),
                           value(kCombCells), value(kPowerSeq), value(kPowerComb), value(kPower),
                           value(kArea)});
    }
    row.push_back(ToString(job.state));
  }
  if (options.breakdown) FillDeltas(table, breakdown);
  return table;
}

const std::vector<std::string>& DpuTableMetrics() {
  static const std::vector<std::string> base(kMetrics.begin(), kMetrics.begin() + kBaseMetrics);
  return base;
}

const std::vector<std::string>& DpuBreakdownMetrics() {
  static const std::vector<std::string> extra(kMetrics.begin() + kBaseMetrics, kMetrics.end());
  return extra;
}

}  // namespace labq
