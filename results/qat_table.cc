#include "results/qat_table.h"

#include <map>

#include "results/job_state.h"

namespace labq {
namespace {

struct RowKind {
  const char* label;
  const char* mode;
  const char* metric;
};

/// One row per result of the lab; the last one is the control that shows why
/// nested training matters: 8-bit weights cut to 4 bits without 4-bit training.
constexpr RowKind kRows[] = {
    {"FP baseline (pretrained)", "fp", "acc_fp"},
    {"pure 8-bit QAT", "q8", "acc8"},
    {"pure 4-bit QAT", "q4", "acc4"},
    {"nested 8-bit", "nested", "acc8"},
    {"nested 4-bit (same codes)", "nested", "acc4"},
    {"q8 cut naively to 4-bit", "q8", "acc4"},
};

std::map<std::string, double> MetricMap(ResultStore& store, int64_t job_id) {
  std::map<std::string, double> m;
  for (const auto& metric : store.Metrics(job_id)) m[metric.name] = metric.value;
  return m;
}

}  // namespace

Table BuildQatTable(ResultStore& store, std::optional<int64_t> sweep_id) {
  Table table;
  table.columns = {{"sweep", ""},  {"job_id", ""},        {"result", ""},
                   {"job", ""},    {"accuracy_pct", "%"}, {"vs_fp_points", "percentage points"},
                   {"k", ""},      {"rule", ""},          {"bn", ""},
                   {"epochs", ""}, {"train_s", "s"},      {"cached", ""},
                   {"state", ""}};
  auto jobs = store.Jobs(sweep_id);
  std::map<int64_t, const JobRecord*> by_id;
  for (const auto& job : jobs) by_id[job.id] = &job;
  // FP baseline per sweep: the fp-mode job, else the pretraining job's accuracy.
  std::map<int64_t, double> fp_by_sweep;
  for (const auto& job : jobs) {
    if ((job.kind == "qat" && job.params.value("mode", "") == "fp") || job.kind == "pretrain") {
      for (const auto& m : store.Metrics(job.id)) {
        if (m.name == "acc_fp" && (job.kind == "qat" || !fp_by_sweep.count(job.sweep_id))) {
          fp_by_sweep[job.sweep_id] = m.value;
        }
      }
    }
  }
  for (const auto& row : kRows) {
    for (const auto& job : jobs) {
      if (job.kind != "qat" || job.params.value("mode", "") != row.mode) continue;
      auto m = MetricMap(store, job.id);
      auto texts = store.Texts(job.id);
      const bool have = IsSuccess(job.state) && m.count(row.metric);
      nlohmann::json accuracy = have ? nlohmann::json(m[row.metric]) : nlohmann::json(nullptr);
      nlohmann::json delta = nullptr;
      if (have && fp_by_sweep.count(job.sweep_id)) {
        delta = m[row.metric] - fp_by_sweep[job.sweep_id];
      }
      nlohmann::json epochs = job.params.value("epochs", 0);
      nlohmann::json train_s =
          m.count("train_seconds") ? nlohmann::json(m["train_seconds"]) : nlohmann::json(nullptr);
      // The FP baseline trains nothing itself: its epochs and time are the
      // pretraining job's it evaluates.
      if (std::string(row.mode) == "fp") {
        epochs = job.params.value("pretrain_epochs", nlohmann::json(nullptr));
        train_s = nullptr;
        for (int64_t dep : job.depends_on) {
          auto it = by_id.find(dep);
          if (it == by_id.end() || it->second->kind != "pretrain") continue;
          auto pm = MetricMap(store, dep);
          if (pm.count("train_seconds")) train_s = pm["train_seconds"];
          epochs = it->second->params.value("pretrain_epochs", epochs);
        }
      }
      const nlohmann::json k = texts.count("k") ? nlohmann::json(texts["k"]) : nullptr;
      table.AddRow({job.sweep_name, job.id, row.label, job.name, accuracy, delta, k, texts["rule"],
                    texts["bn"], epochs, train_s, job.state == "cached", job.state});
    }
  }
  return table;
}

std::vector<std::string> QatTableMetrics() {
  std::vector<std::string> names = {"train_seconds"};
  for (const auto& row : kRows) names.push_back(row.metric);
  return names;
}

}  // namespace labq
