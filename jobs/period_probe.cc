#include "jobs/period_probe.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/file_util.h"
#include "common/metric_names.h"
#include "common/text.h"
#include "jobs/clock_period.h"
#include "jobs/synth_job.h"

namespace labq {
namespace {

using nlohmann::json;

/// Parameters that change neither the netlist nor its timing (verification
/// and power analysis only). A probe's params take their defaults, so
/// configurations that differ only there share one probe and its cache entry.
const char* const kNotSynthesisKeys[] = {"simulator", "random_vectors", "seed",
                                         "verify",    "toggle_rate",    "activity",
                                         "vectors",   "power_vectors"};

json ProbeParams(json params) {
  static const json defaults = SchemaDefaults(DpuParamSpecs());
  params.erase(kPeriodPeersKey);
  for (const char* key : kNotSynthesisKeys) {
    if (defaults.contains(key)) params[key] = defaults[key];
  }
  return params;
}

/// The probe job of a synth job's configuration (added once per distinct
/// probe params), named after the synth job ("dpu_8_full.probe").
std::string ProbeFor(const JobSpec& synth, JobNames& names, Sweep& sweep) {
  json params = ProbeParams(synth.params);
  const std::string key = "probe:" + params.dump();
  if (auto it = names.shared.find(key); it != names.shared.end()) return it->second;
  std::string label = synth.name;
  const std::string suffix = ".synth";
  if (label.size() > suffix.size() &&
      label.compare(label.size() - suffix.size(), suffix.size(), suffix) == 0) {
    label.resize(label.size() - suffix.size());
  }
  std::string name = names.Unique(label, ".probe");
  const double n = params["n"].get<double>();
  const std::string group = synth.group;  // `synth` may move with the push below
  sweep.jobs.push_back({name, "synth_probe", group, std::move(params), {}, 5 + n});
  names.shared.emplace(key, name);
  return name;
}

[[noreturn]] void BadProbe(const std::filesystem::path& file, const std::string& why) {
  throw JobFailed("auto-common: " + file.string() + ": " + why);
}

/// mode -> critical period (ns) of every probe result among the dependencies.
std::map<std::string, double> ProbeResults(
    const std::map<std::string, std::filesystem::path>& dependency_dirs) {
  std::map<std::string, double> periods;
  for (const auto& [name, dir] : dependency_dirs) {
    const auto file = dir / kProbeResultFile;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;
    json j;
    try {
      j = json::parse(ReadFile(file.string()));
    } catch (const std::exception& e) {
      BadProbe(file, std::string("not JSON: ") + e.what());
    }
    const auto mode = j.find("mode");
    const auto period = j.find("critical_period_ns");
    if (mode == j.end() || !mode->is_string() || period == j.end() || !period->is_number() ||
        !std::isfinite(period->get<double>()) || period->get<double>() <= 0) {
      BadProbe(file, "expected {\"mode\": ..., \"critical_period_ns\": a positive number}");
    }
    periods[mode->get<std::string>()] = period->get<double>();
  }
  return periods;
}

}  // namespace

void LinkAutoCommon(const ExpandedConfig& config, size_t synth_index, JobNames& names,
                    Sweep& sweep) {
  const json& clock = config.params["clock_period_ns"];
  if (!clock.is_string() || clock.get<std::string>() != "auto") return;
  json comparison = ProbeParams(config.params);
  comparison.erase("mode");
  std::vector<size_t>& members = names.linked["auto-common:" + comparison.dump()];
  members.push_back(synth_index);
  if (members.size() < 2) return;  // alone so far: its own critical period, probed in the job
  std::vector<std::string> probes;
  std::set<std::string> modes;
  for (size_t m : members) {
    probes.push_back(ProbeFor(sweep.jobs[m], names, sweep));
    modes.insert(sweep.jobs[m].params["mode"].get<std::string>());
  }
  for (size_t m : members) {
    JobSpec& synth = sweep.jobs[m];
    for (const auto& probe : probes) {
      auto& deps = synth.depends_on;
      if (std::find(deps.begin(), deps.end(), probe) == deps.end()) deps.push_back(probe);
    }
    synth.params[kPeriodPeersKey] = std::vector<std::string>(modes.begin(), modes.end());
  }
}

std::string ResolveCommonClock(
    DpuParams& params, const std::map<std::string, std::filesystem::path>& dependency_dirs) {
  if (params.clock_source != ClockSource::kAutoCommon) return "";
  const auto periods = ProbeResults(dependency_dirs);
  double slowest = 0;
  std::string text;
  for (const auto& mode : params.period_peers) {
    auto it = periods.find(mode);
    if (it == periods.end()) {
      throw JobFailed("auto-common: no probe result (" + std::string(kProbeResultFile) +
                      ") for mode '" + mode + "' among this job's dependencies");
    }
    slowest = std::max(slowest, it->second);
    text += (text.empty() ? "" : ", ") + mode + " " + FormatNs(it->second) + " ns";
  }
  params.clock_period_ns = slowest;
  return text;
}

JobOutput SynthProbeJob::Run(const JobContext& context, StepRunner& runner) const {
  const DpuParams params = DpuParams::From(context.params);
  const double period_ns = ProbeCriticalPeriodNs(params, context, runner);
  if (!(period_ns > 0)) {
    throw JobFailed("synth_probe: critical path of " + FormatNs(period_ns) + " ns");
  }
  WriteFileAtomically(
      context.dir / kProbeResultFile,
      json{{"mode", params.mode}, {"critical_period_ns", period_ns}}.dump(2) + "\n");
  JobOutput out;
  out.Add(metric::kCriticalPeriod, period_ns, "ns");
  out.texts["mode"] = params.mode;
  return out;
}

std::optional<std::string> SynthProbeJob::CacheInputs(const nlohmann::json& params) const {
  return FindJobKind("synth")->CacheInputs(params);
}

std::vector<MetricSpec> SynthProbeJob::Metrics() const {
  return {{metric::kCriticalPeriod, "ns", ""}};
}

}  // namespace labq
