#include "sweep/job_expansion.h"

#include <cctype>
#include <set>

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

void CheckDpu(const ExpandedConfig& config) {
  const int n = config.params["n"].get<int>();
  const int m = config.params["input_bits"].get<int>();
  const int out = config.params["out_bits"].get<int>();
  const std::string mode = config.params["mode"].get<std::string>();
  const int full = FullOutputBits(n, m);
  if (mode == "msb" && out > full) {
    throw InputError(WhereOf(config, "out_bits"), KeyOf(config, "out_bits"),
                     std::to_string(out) + " exceeds the exact output width " +
                         std::to_string(full) + " of N=" + std::to_string(n) +
                         ", M=" + std::to_string(m));
  }
  if (mode == "lsb" && out >= full) {
    throw InputError(WhereOf(config, "out_bits"), KeyOf(config, "out_bits"),
                     std::to_string(out) + " leaves nothing to saturate: the exact output of N=" +
                         std::to_string(n) + ", M=" + std::to_string(m) + " has " +
                         std::to_string(full) + " bits (use mode: full)");
  }
}

/// Keys that decide what the FP pretraining job computes.
const char* kPretrainKeys[] = {"dataset",   "data",        "model",      "pretrain_epochs", "seed",
                               "batch",     "train_limit", "test_limit", "threads",         "lr",
                               "timeout_s", "device",      "amp"};

}  // namespace

int FullOutputBits(int n, int input_bits) {
  int log2n = 0;
  while ((1LL << log2n) < n) ++log2n;
  return 2 * input_bits + log2n;
}

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
