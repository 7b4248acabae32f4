#include "results/dpu_table.h"

#include <map>

namespace labq {
namespace {

/// "osu018" for a named library, the file name for a path.
std::string LibertyName(const std::string& liberty) {
  return liberty.find('/') == std::string::npos ? liberty : liberty.substr(liberty.rfind('/') + 1);
}

/// The verify job this synth job waited for: "pass", or its state.
std::string Verified(const JobRecord& job, const std::map<int64_t, const JobRecord*>& by_id) {
  for (int64_t dep : job.depends_on) {
    auto it = by_id.find(dep);
    if (it == by_id.end() || it->second->kind != "sim") continue;
    const std::string& state = it->second->state;
    return state == "done" || state == "cached" ? "pass" : state;
  }
  return "-";
}

/// "default activity" or "toggle 0.2": how OpenSTA's power figure was made.
std::string PowerModel(const std::map<std::string, std::string>& texts,
                       const nlohmann::json& params) {
  const auto rate = params.value("toggle_rate", nlohmann::json("default"));
  if (rate.is_number()) return "toggle rate " + nlohmann::json(rate).dump();
  auto it = texts.find("power_activity");
  if (it != texts.end() && it->second.rfind("global", 0) == 0) return it->second;
  return "OpenSTA default activity";
}

std::string PeriodSource(const std::map<std::string, std::string>& texts,
                         const nlohmann::json& params) {
  auto it = texts.find("period_source");
  if (it != texts.end()) return it->second.rfind("auto", 0) == 0 ? "auto" : "sweep";
  return params.value("clock_period_ns", nlohmann::json()).is_string() ? "auto" : "sweep";
}

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
                   {"power_model", ""},
                   {"OPS_per_s", "OPS/s"},
                   {"OPS_per_W", "OPS/W"},
                   {"OPS_per_mm2", "OPS/s/mm^2"},
                   {"state", ""}};
  auto jobs = store.Jobs(sweep_id);
  std::map<int64_t, const JobRecord*> by_id;
  for (const auto& job : jobs) by_id[job.id] = &job;
  for (const auto& job : jobs) {
    if (job.kind != "synth") continue;
    std::map<std::string, double> m;
    for (const auto& metric : store.Metrics(job.id)) m[metric.name] = metric.value;
    const auto texts = store.Texts(job.id);
    const bool have = job.state == "done" || job.state == "cached";
    auto raw = [&](const std::string& name, double scale = 1.0) -> nlohmann::json {
      if (!have || !m.count(name)) return nullptr;
      return m[name] * scale;
    };
    // fmax is what the critical path allows: 1/(period - slack), met or not;
    // f is the clock the design runs at (the period when met, else fmax).
    nlohmann::json fmax = nullptr;
    if (have && m.count("clock_period") && m.count("slack") && m["clock_period"] - m["slack"] > 0) {
      fmax = 1e3 / (m["clock_period"] - m["slack"]);
    }
    nlohmann::json timing = nullptr;
    if (have && m.count("timing_met")) timing = m["timing_met"] != 0 ? "met" : "VIOLATED";
    const auto& p = job.params;
    table.AddRow({job.sweep_name,
                  job.id,
                  job.name,
                  p.value("n", 0),
                  p.value("mode", ""),
                  LibertyName(p.value("liberty", "")),
                  Verified(job, by_id),
                  job.state == "cached",
                  raw("clock_period"),
                  PeriodSource(texts, p),
                  raw("slack"),
                  timing,
                  raw("fmax", 1e-6),
                  fmax,
                  raw("area"),
                  raw("power_total", 1e3),
                  PowerModel(texts, p),
                  raw("ops"),
                  raw("ops_per_w"),
                  raw("ops_per_mm2"),
                  job.state});
  }
  return table;
}

}  // namespace labq
