#include "results/codesign_table.h"

#include <map>

#include "common/metric_names.h"
#include "results/job_state.h"

namespace labq {
namespace {

using nlohmann::json;

std::map<std::string, double> MetricMap(ResultStore& store, int64_t job_id) {
  std::map<std::string, double> m;
  for (const auto& metric : store.Metrics(job_id)) m[metric.name] = metric.value;
  return m;
}

/// A metric of a job for a cell: its value, or null; a job that succeeded
/// without it marks the cell missing, naming the metric and that job.
json Cell(Table& table, const std::string& column, const JobRecord& job,
          const std::map<std::string, double>& metrics, const std::string& name) {
  if (!IsSuccess(job.state)) return nullptr;
  const auto it = metrics.find(name);
  if (it != metrics.end()) return it->second;
  table.missing.push_back({table.rows.size(), table.Index(column), name, job.name});
  return nullptr;
}

/// The synthesis job an hw_eval job waited for (the expansion gives it one).
const JobRecord* SynthOf(const JobRecord& job, const std::map<int64_t, const JobRecord*>& by_id) {
  for (int64_t dep : job.depends_on) {
    const auto it = by_id.find(dep);
    if (it != by_id.end() && it->second->kind == "synth") return it->second;
  }
  return nullptr;
}

std::optional<double> Number(const json& cell) {
  return cell.is_number() ? std::optional<double>(cell.get<double>()) : std::nullopt;
}

}  // namespace

std::optional<double> EnergyPerInferencePj(double macs_per_image, double ops_per_w) {
  if (!(ops_per_w > 0)) return std::nullopt;
  return 2.0 * macs_per_image / ops_per_w * 1e12;
}

std::optional<double> Utilization(double macs_per_image, double calls_per_image, int n) {
  if (!(calls_per_image > 0) || n <= 0) return std::nullopt;
  return macs_per_image / (calls_per_image * n);
}

std::vector<std::optional<bool>> ParetoFront(
    const std::vector<std::optional<std::pair<double, double>>>& points) {
  std::vector<std::optional<bool>> front(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i]) continue;
    const auto [acc, eff] = *points[i];
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      if (j == i || !points[j]) continue;
      const auto [a, e] = *points[j];
      dominated = a >= acc && e >= eff && (a > acc || e > eff);
    }
    front[i] = !dominated;
  }
  return front;
}

Table BuildCodesignTable(ResultStore& store, std::optional<int64_t> sweep_id) {
  Table table;
  table.columns = {{"sweep", ""},
                   {"job_id", ""},
                   {"job", ""},
                   {"N", ""},
                   {"mode", ""},
                   {"b_format", ""},
                   {"precision", "bits"},
                   {"accuracy_pct", "%"},
                   {"delta_pts", "percentage points"},
                   {"OPS_per_W", "OPS/W"},
                   {"OPS_per_mm2", "OPS/s/mm^2"},
                   {"utilization", ""},
                   {"dpu_OPS_per_W", "OPS/W"},
                   {"energy_pJ", "pJ"},
                   {"pareto", ""},
                   {"synth_job", ""},
                   {"state", ""}};
  const auto jobs = store.Jobs(sweep_id);
  std::map<int64_t, const JobRecord*> by_id;
  for (const auto& job : jobs) by_id[job.id] = &job;
  std::vector<int64_t> row_sweep;
  std::vector<std::optional<std::pair<double, double>>> points;
  for (const auto& job : jobs) {
    if (job.kind != "hw_eval") continue;
    const auto m = MetricMap(store, job.id);
    const json accuracy = Cell(table, "accuracy_pct", job, m, metric::kHwAccuracy);
    const json float_accuracy = Cell(table, "delta_pts", job, m, metric::kFloatAccuracy);
    const json macs = Cell(table, "utilization", job, m, metric::kMacsPerImage);
    const json calls = Cell(table, "utilization", job, m, metric::kDpuCallsPerImage);
    json dpu_ops_per_w = nullptr, dpu_ops_per_mm2 = nullptr, synth_name = nullptr;
    if (const JobRecord* synth = SynthOf(job, by_id)) {
      const auto sm = MetricMap(store, synth->id);
      // A synthesis job without ops_per_w is named under OPS_per_W, the
      // column people read (dpu_OPS_per_W is left empty beside it).
      dpu_ops_per_w = Cell(table, "OPS_per_W", *synth, sm, metric::kOpsPerW);
      dpu_ops_per_mm2 = Cell(table, "OPS_per_mm2", *synth, sm, metric::kOpsPerMm2);
      synth_name = synth->name;
    }
    json delta = nullptr;
    if (accuracy.is_number() && float_accuracy.is_number()) {
      delta = accuracy.get<double>() - float_accuracy.get<double>();
    }
    const auto& p = job.params;
    json utilization = nullptr;
    if (macs.is_number() && calls.is_number() && p.value("n", json()).is_number_integer()) {
      if (auto u = Utilization(macs.get<double>(), calls.get<double>(), p.value("n", 0))) {
        utilization = *u;
      }
    }
    // The network's figures: the DPU's, scaled by the share of its cycles'
    // operations that are MACs the network needs.
    json ops_per_w = nullptr, ops_per_mm2 = nullptr, energy = nullptr;
    if (utilization.is_number() && dpu_ops_per_w.is_number()) {
      ops_per_w = dpu_ops_per_w.get<double>() * utilization.get<double>();
      if (auto e = EnergyPerInferencePj(macs.get<double>(), ops_per_w.get<double>())) energy = *e;
    }
    if (utilization.is_number() && dpu_ops_per_mm2.is_number()) {
      ops_per_mm2 = dpu_ops_per_mm2.get<double>() * utilization.get<double>();
    }
    const auto acc = Number(accuracy), eff = Number(ops_per_w);
    points.push_back(acc && eff ? std::optional(std::pair(*acc, *eff)) : std::nullopt);
    row_sweep.push_back(job.sweep_id);
    table.Add(job.sweep_name, job.id, job.name, p.value("n", json()), p.value("mode", json()),
              p.value("b_format", json()), p.value("precision", json()), accuracy, delta, ops_per_w,
              ops_per_mm2, utilization, dpu_ops_per_w, energy, nullptr, synth_name,
              ToString(job.state));
  }
  // The front within each sweep: rows of two sweeps are not one comparison.
  const size_t pareto = table.Index("pareto");
  std::map<int64_t, std::vector<size_t>> rows_of;
  for (size_t r = 0; r < row_sweep.size(); ++r) rows_of[row_sweep[r]].push_back(r);
  for (const auto& [sweep, rows] : rows_of) {
    std::vector<std::optional<std::pair<double, double>>> sweep_points;
    for (size_t r : rows) sweep_points.push_back(points[r]);
    const auto front = ParetoFront(sweep_points);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (front[i]) table.rows[rows[i]][pareto] = *front[i] ? "yes" : "no";
    }
  }
  return table;
}

std::vector<std::string> CodesignTableMetrics() {
  return {metric::kHwAccuracy, metric::kFloatAccuracy, metric::kMacsPerImage,
          metric::kDpuCallsPerImage};
}

}  // namespace labq
