#include "sweep/job_expansion.h"

#include "dpu/dpu_design.h"

namespace labq {
namespace {

using nlohmann::json;

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

/// dpu, sim and synth: one hardware configuration, verified and/or synthesized.
class HardwareGroupKind : public GroupKind {
 public:
  explicit HardwareGroupKind(std::string name) : name_(std::move(name)) {}
  std::string Name() const override { return name_; }
  const std::vector<ParamSpec>& Params() const override { return DpuParamSpecs(); }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override {
    CheckDpu(config);
    const std::string label = ConfigLabel(config);
    const double n = config.params["n"].get<double>();
    std::string verify_name;
    const bool verify = name_ == "sim" || (name_ == "dpu" && config.params["verify"].get<bool>());
    if (verify) {
      verify_name = names.Unique(label, ".verify");
      sweep.jobs.push_back({verify_name, "sim", config.group, config.params, {}, 5 + 0.3 * n});
    }
    if (name_ != "sim") {
      JobSpec synth{names.Unique(label, ".synth"), "synth", config.group, config.params, {}, 5 + n};
      if (!verify_name.empty()) synth.depends_on.push_back(verify_name);
      sweep.jobs.push_back(std::move(synth));
    }
  }

 private:
  std::string name_;
};

/// Keys that decide what the FP pretraining job computes.
const char* kPretrainKeys[] = {"dataset",   "data",        "model",      "pretrain_epochs", "seed",
                               "batch",     "train_limit", "test_limit", "threads",         "lr",
                               "timeout_s", "device",      "amp"};

class QatKind : public GroupKind {
 public:
  std::string Name() const override { return "qat"; }
  const std::vector<ParamSpec>& Params() const override { return QatParamSpecs(); }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override {
    json pretrain_params = json::object();
    for (const char* key : kPretrainKeys) pretrain_params[key] = config.params[key];
    const std::string key = "pretrain:" + pretrain_params.dump();
    auto it = names.shared.find(key);
    if (it == names.shared.end()) {
      std::string name = names.Unique(config.group, ".pretrain");
      sweep.jobs.push_back({name,
                            "pretrain",
                            config.group,
                            pretrain_params,
                            {},
                            100.0 * config.params["pretrain_epochs"].get<double>()});
      it = names.shared.emplace(key, name).first;
    }
    sweep.jobs.push_back({names.Unique(ConfigLabel(config), ".train"),
                          "qat",
                          config.group,
                          config.params,
                          {it->second},
                          10 + 150.0 * config.params["epochs"].get<double>()});
  }
};

}  // namespace

void AppendJobs(const std::vector<ExpandedConfig>& configs, const GroupKindTable& kinds,
                Sweep& sweep) {
  JobNames names(sweep);  // per group: pretraining is shared within a group only
  for (const auto& config : configs) {
    const GroupKind* kind = kinds.Find(config.kind);
    if (!kind) throw InputError(config.group_where, "kind", "'" + config.kind + "' is unknown");
    kind->Expand(config, names, sweep);
  }
}

const GroupKind& DpuGroupKind() {
  static const HardwareGroupKind kind("dpu");
  return kind;
}
const GroupKind& SimGroupKind() {
  static const HardwareGroupKind kind("sim");
  return kind;
}
const GroupKind& SynthGroupKind() {
  static const HardwareGroupKind kind("synth");
  return kind;
}
const GroupKind& QatGroupKind() {
  static const QatKind kind;
  return kind;
}

}  // namespace labq
