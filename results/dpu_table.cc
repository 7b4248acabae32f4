#include "results/dpu_table.h"

#include <map>

namespace labq {

Table BuildDpuTable(ResultStore& store, std::optional<int64_t> sweep_id) {
  Table table;
  table.headers = {"sweep",     "N",         "mode",        "liberty",  "verified",
                   "period_ns", "slack_ns",  "fmax_MHz",    "area_um2", "power_mW",
                   "OPS",       "OPS_per_W", "OPS_per_mm2", "state"};
  auto jobs = store.Jobs(sweep_id);
  std::map<int64_t, const JobRecord*> by_id;
  for (const auto& job : jobs) by_id[job.id] = &job;
  for (const auto& job : jobs) {
    if (job.kind != "synth") continue;
    std::map<std::string, double> m;
    for (const auto& metric : store.Metrics(job.id)) m[metric.name] = metric.value;
    std::string verified = "-";
    for (int64_t dep : job.depends_on) {
      auto it = by_id.find(dep);
      if (it != by_id.end() && it->second->kind == "sim") {
        verified = it->second->state == "done" ? "pass" : it->second->state;
      }
    }
    const bool have = job.state == "done" || job.state == "cached";
    auto number = [&](const std::string& name, double scale, int decimals) -> std::string {
      if (!have || !m.count(name)) return "";
      return FormatFixed(m[name] * scale, decimals);
    };
    auto si = [&](const std::string& name) -> std::string {
      if (!have || !m.count(name)) return "";
      return FormatSi(m[name]);
    };
    auto raw = [&](const std::string& name, double scale = 1.0) -> nlohmann::json {
      if (!have || !m.count(name)) return nullptr;
      return m[name] * scale;
    };
    const auto& p = job.params;
    const std::string liberty = p.value("liberty", "");
    const std::string liberty_name =
        liberty.find('/') == std::string::npos ? liberty : liberty.substr(liberty.rfind('/') + 1);
    std::string slack = number("slack", 1, 3);
    if (have && m.count("timing_met") && m["timing_met"] == 0) slack += " (VIOLATED)";
    table.AddRow(
        {job.sweep_name, std::to_string(p.value("n", 0)), p.value("mode", ""), liberty_name,
         verified, number("clock_period", 1, 3), slack, number("fmax", 1e-6, 1),
         number("area", 1, 1), number("power_total", 1e3, 4), si("ops"), si("ops_per_w"),
         si("ops_per_mm2"), job.state},
        {job.sweep_name, p.value("n", 0), p.value("mode", ""), liberty_name, verified,
         raw("clock_period"), raw("slack"), raw("fmax", 1e-6), raw("area"), raw("power_total", 1e3),
         raw("ops"), raw("ops_per_w"), raw("ops_per_mm2"), job.state});
  }
  return table;
}

}  // namespace labq
