#include "sweep/job_expansion.h"

#include <cctype>
#include <set>

#include "dpu/dpu_design.h"

namespace labq {
namespace {

using nlohmann::json;

/// A path-safe rendering of a value for job names ("2.5" -> "2.5", "/a/b.lib" -> "b.lib").
std::string NamePart(const json& value) {
  std::string s = value.is_string() ? value.get<std::string>() : value.dump();
  if (auto slash = s.rfind('/'); slash != std::string::npos) s = s.substr(slash + 1);
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '-';
  }
  return s;
}

std::string Label(const ExpandedConfig& config) {
  std::string label = config.group;
  for (const auto& key : config.varying) label += "_" + NamePart(config.params[key]);
  return label;
}

SourceLocation WhereOf(const ExpandedConfig& config, const std::string& key) {
  auto it = config.where.find(key);
  if (it != config.where.end() && !it->second.file.empty()) return it->second;
  return config.group_where;
}

std::string KeyOf(const ExpandedConfig& config, const std::string& key) {
  auto it = config.key_path.find(key);
  return it == config.key_path.end() ? key : it->second;
}

/// The DPU width rules (dpu/dpu_design.h), reported at the sweep file's out_bits.
void CheckDpu(const ExpandedConfig& config) {
  DpuDesign design;
  design.n = config.params["n"].get<int>();
  design.input_bits = config.params["input_bits"].get<int>();
  design.mode = ParseDpuMode(config.params["mode"].get<std::string>());
  design.out_bits = config.params["out_bits"].get<int>();
  if (auto problem = design.OutBitsProblem(); !problem.empty()) {
    throw InputError(WhereOf(config, "out_bits"), KeyOf(config, "out_bits"), problem);
  }
}

/// Keys that decide what the FP pretraining job computes.
const char* kPretrainKeys[] = {"dataset",   "data",        "model",      "pretrain_epochs", "seed",
                               "batch",     "train_limit", "test_limit", "threads",         "lr",
                               "timeout_s", "device",      "amp"};

}  // namespace

void AppendJobs(const std::vector<ExpandedConfig>& configs, Sweep& sweep) {
  std::set<std::string> names;
  for (const auto& job : sweep.jobs) names.insert(job.name);
  auto unique = [&](std::string name, const std::string& suffix) {
    std::string candidate = name + suffix;
    for (int i = 2; names.count(candidate); ++i)
      candidate = name + "-" + std::to_string(i) + suffix;
    names.insert(candidate);
    return candidate;
  };

  std::map<std::string, std::string> pretrain_by_key;  // pretrain params -> job name
  for (const auto& config : configs) {
    const std::string label = Label(config);
    if (config.kind == "dpu" || config.kind == "sim" || config.kind == "synth") {
      CheckDpu(config);
      const double n = config.params["n"].get<double>();
      std::string verify_name;
      const bool verify =
          config.kind == "sim" || (config.kind == "dpu" && config.params["verify"].get<bool>());
      if (verify) {
        verify_name = unique(label, ".verify");
        sweep.jobs.push_back({verify_name, "sim", config.group, config.params, {}, 5 + 0.3 * n});
      }
      if (config.kind != "sim") {
        JobSpec synth{unique(label, ".synth"), "synth", config.group, config.params, {}, 5 + n};
        if (!verify_name.empty()) synth.depends_on.push_back(verify_name);
        sweep.jobs.push_back(std::move(synth));
      }
    } else if (config.kind == "command") {
      sweep.jobs.push_back({unique(label, ""), "command", config.group, config.params, {}});
    } else if (config.kind == "qat") {
      json pretrain_params = json::object();
      for (const char* key : kPretrainKeys) pretrain_params[key] = config.params[key];
      const std::string key = pretrain_params.dump();
      auto it = pretrain_by_key.find(key);
      if (it == pretrain_by_key.end()) {
        std::string name = unique(config.group, ".pretrain");
        sweep.jobs.push_back({name,
                              "pretrain",
                              config.group,
                              pretrain_params,
                              {},
                              100.0 * config.params["pretrain_epochs"].get<double>()});
        it = pretrain_by_key.emplace(key, name).first;
      }
      sweep.jobs.push_back({unique(label, ".train"),
                            "qat",
                            config.group,
                            config.params,
                            {it->second},
                            10 + 150.0 * config.params["epochs"].get<double>()});
    }
  }
}

}  // namespace labq
