#include "results/qat_table.h"

#include <map>

namespace labq {

Table BuildQatTable(ResultStore& store, std::optional<int64_t> sweep_id) {
  Table table;
  table.headers = {"sweep", "result", "job",    "accuracy_pct", "vs_fp_points", "k",
                   "rule",  "bn",     "epochs", "train_s",      "state"};
  struct Row {
    const char* label;
    const char* mode;
    const char* metric;
  };
  static const Row kRows[] = {
      {"FP baseline (pretrained)", "fp", "acc_fp"},
      {"pure 8-bit QAT", "q8", "acc8"},
      {"pure 4-bit QAT", "q4", "acc4"},
      {"nested 8-bit", "nested", "acc8"},
      {"nested 4-bit (same codes)", "nested", "acc4"},
      {"q8 cut naively to 4-bit", "q8", "acc4"},
  };
  auto jobs = store.Jobs(sweep_id);
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
      std::map<std::string, double> m;
      for (const auto& metric : store.Metrics(job.id)) m[metric.name] = metric.value;
      auto texts = store.Texts(job.id);
      const bool have = (job.state == "done" || job.state == "cached") && m.count(row.metric);
      nlohmann::json accuracy = have ? nlohmann::json(m[row.metric]) : nlohmann::json(nullptr);
      nlohmann::json delta = nullptr;
      if (have && fp_by_sweep.count(job.sweep_id))
        delta = m[row.metric] - fp_by_sweep[job.sweep_id];
      const std::string k = texts.count("k") ? texts["k"] : "";
      const nlohmann::json train_s =
          m.count("train_seconds") ? nlohmann::json(m["train_seconds"]) : nlohmann::json(nullptr);
      table.AddRow({job.sweep_name, row.label, job.name, have ? FormatFixed(m[row.metric], 2) : "",
                    delta.is_null() ? ""
                                    : (delta.get<double>() >= 0 ? "+" : "") +
                                          FormatFixed(delta.get<double>(), 2),
                    k, texts["rule"], texts["bn"], std::to_string(job.params.value("epochs", 0)),
                    train_s.is_null() ? "" : FormatFixed(train_s.get<double>(), 0), job.state},
                   {job.sweep_name, row.label, job.name, accuracy, delta, k, texts["rule"],
                    texts["bn"], job.params.value("epochs", 0), train_s, job.state});
    }
  }
  return table;
}

}  // namespace labq
