#include "sweep/param_schema.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

namespace labq {
namespace {

using nlohmann::json;

ParamSpec Int(std::string name, json def, double min, double max, std::string help,
              std::vector<std::string> choices = {}) {
  return {std::move(name),    ParamType::kInt, std::move(def), min, max,
          std::move(choices), std::move(help)};
}
ParamSpec Number(std::string name, json def, double min, double max, std::string help,
                 std::vector<std::string> choices = {}) {
  return {std::move(name),    ParamType::kNumber, std::move(def), min, max,
          std::move(choices), std::move(help)};
}
ParamSpec Choice(std::string name, json def, std::vector<std::string> choices, std::string help) {
  return {std::move(name),    ParamType::kChoice, std::move(def), 0, 0,
          std::move(choices), std::move(help)};
}
ParamSpec Bool(std::string name, bool def, std::string help) {
  return {std::move(name), ParamType::kBool, def, 0, 0, {}, std::move(help)};
}
ParamSpec Path(std::string name, json def, std::vector<std::string> choices, std::string help) {
  return {std::move(name),    ParamType::kPath, std::move(def), 0, 0,
          std::move(choices), std::move(help)};
}

/// Parameters of the hardware kinds (dpu = verify + synth; sim; synth).
std::vector<ParamSpec> DpuParams() {
  return {
      Int("n", json(), 1, 1024, "vector length N"),
      Int("input_bits", 8, 2, 16, "bits per unsigned input element M"),
      Choice("mode", json(), {"full", "msb", "lsb"}, "output mode"),
      Int("out_bits", 8, 1, 64, "output bits for msb/lsb"),
      Number("clock_period_ns", "auto", 0.001, 1e6, "clock period, or auto", {"auto"}),
      {"liberty",
       ParamType::kLiberty,
       "osu018",
       0,
       0,
       {"osu018", "nangate45", "sky130"},
       "standard-cell library"},
      Choice("flow", "yosys-sta", {"yosys-sta", "genus"}, "synthesis flow"),
      Choice("simulator", "verilator", {"verilator", "iverilog"}, "verification simulator"),
      Int("random_vectors", 200, 0, 100000, "random test vectors"),
      Int("seed", 1, 0, 2147483647, "random vector seed"),
      Bool("verify", true, "verify in simulation before synthesis"),
      Number("toggle_rate", "default", 0, 1, "global power activity, or default", {"default"}),
      Number("input_delay_ns", 0, 0, 1e6, "input delay relative to clk"),
      Number("output_delay_ns", 0, 0, 1e6, "output delay relative to clk"),
      Path("rtl", "generated", {"generated"}, "generated, or a user Verilog file to verify"),
      Number("timeout_s", 3600, 1, 1e7, "per-step timeout"),
      Path("genus_path", "genus", {}, "genus binary (flow: genus)"),
      Choice("genus_effort", "medium", {"low", "medium", "high"}, "Genus syn effort"),
      Path("genus_hook", "none", {"none"}, "extra TCL sourced after elaborate (flow: genus)"),
      Choice("genus_fallback", "none", {"none", "yosys-sta"}, "flow to use when genus is absent"),
      Int("retries", 0, 0, 10, "retries after a transient failure (licence, signal)"),
  };
}

std::vector<ParamSpec> QatParams() {
  return {
      Choice("mode", json(), {"fp", "q8", "q4", "nested"}, "training mode"),
      Int("epochs", 10, 0, 30, "training epochs (lab limit 30)"),
      Int("pretrain_epochs", 5, 1, 100, "epochs of the FP pretraining job"),
      Int("k", 2, 0, 4, "first magnitude bit kept in 4-bit, or search", {"search"}),
      Choice("rule", "truncate", {"truncate", "round"}, "8->4 bit selection rule"),
      Choice("bn", "switchable", {"switchable", "recalibrate", "shared"}, "BN per precision"),
      Number("w8", 1.0, 0, 100, "8-bit loss weight (nested)"),
      Number("w4", 1.0, 0, 100, "4-bit loss weight (nested)"),
      Number("distill", 0.0, 0, 100, "8->4 distillation weight (nested)"),
      Bool("per_channel", false, "per-output-channel scales"),
      Choice("optimizer", "sgd", {"sgd", "adam"}, "optimizer"),
      Number("lr", "default", 1e-8, 10, "learning rate (default: labqat's for the optimizer)",
             {"default"}),
      Choice("schedule", "cosine", {"cosine", "step", "none"}, "learning-rate schedule"),
      Int("batch", 128, 1, 65536, "batch size"),
      Int("threads", 2, 1, 256, "torch threads"),
      Int("seed", 1, 0, 2147483647, "random seed"),
      Int("train_limit", 0, 0, 100000000, "train on the first N images (0 = all)"),
      Int("test_limit", 0, 0, 100000000, "evaluate on the first N images (0 = all)"),
      Choice("dataset", "fashion-mnist", {"fashion-mnist", "mnist", "cifar10"}, "data set"),
      Path("data", "default", {"default"}, "data folder (default: Debian's fashion-mnist)"),
      Choice("model", "cnn", {"cnn", "resnet20"}, "network"),
      Choice("device", "cpu", {"cpu", "cuda"},
             "where labqat trains; cuda holds one `gpu` resource (limit: the GPUs visible) and "
             "gets its own CUDA_VISIBLE_DEVICES, or --gres=gpu:1 on SLURM"),
      Bool("amp", false, "bf16 autocast while training (device: cuda only)"),
      Number("timeout_s", 7200, 1, 1e7, "per-step timeout"),
      Int("retries", 0, 0, 10, "retries after a transient failure (signal)"),
  };
}

bool IsName(const std::string& s) {
  static const std::regex re("[A-Za-z0-9_.+-]+");
  return !s.empty() && s.size() <= 128 && std::regex_match(s, re);
}

/// Paths may hold letters, digits and / . _ - + only: no spaces, quotes,
/// `$`, `[`, `;` or anything else a shell, TCL or Verilog `include` could read.
bool IsSafePath(const std::string& s) {
  static const std::regex re("[A-Za-z0-9_./+-]+");
  return !s.empty() && s.size() <= 4096 && std::regex_match(s, re);
}

std::string JoinChoices(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i) out += ", ";
    out += choices[i];
  }
  return out;
}

std::string Describe(const json& value) {
  if (value.is_string()) return "'" + value.get<std::string>() + "'";
  return value.dump();
}

std::string FormatNumber(double v) {
  json j = v;
  if (v == std::floor(v) && std::fabs(v) < 1e15) j = static_cast<long long>(v);
  return j.dump();
}

}  // namespace

const std::vector<ParamSpec>& DpuParamSpecs() {
  static const std::vector<ParamSpec> specs = DpuParams();
  return specs;
}

const std::vector<ParamSpec>& QatParamSpecs() {
  static const std::vector<ParamSpec> specs = QatParams();
  return specs;
}

CheckedValue CheckUserParam(const json& value) {
  static const std::regex safe("[A-Za-z0-9_.,:=+/@%-]*");
  if (value.is_number() || value.is_boolean()) return {value, ""};
  if (value.is_string() && value.get<std::string>().size() <= 1024 &&
      std::regex_match(value.get<std::string>(), safe)) {
    return {value, ""};
  }
  return {{},
          Describe(value) +
              " is not a number or a plain word (letters, digits and _ . , : = + / @ % -)"};
}

const ParamSpec* FindParam(const std::vector<ParamSpec>& specs, const std::string& name) {
  for (const auto& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

CheckedValue CheckParam(const ParamSpec& spec, const json& value) {
  auto is_choice = [&](const json& v) {
    return v.is_string() && std::find(spec.choices.begin(), spec.choices.end(),
                                      v.get<std::string>()) != spec.choices.end();
  };
  auto choice_text = [&] {
    return spec.choices.empty() ? std::string() : " or one of " + JoinChoices(spec.choices);
  };
  switch (spec.type) {
    case ParamType::kInt:
    case ParamType::kNumber: {
      if (is_choice(value)) return {value, ""};
      bool integral = spec.type == ParamType::kInt;
      std::string what = integral ? "an integer" : "a number";
      if (!value.is_number() || (integral && !value.is_number_integer())) {
        return {{}, Describe(value) + " is not " + what + choice_text()};
      }
      double v = value.get<double>();
      if (v < spec.min || v > spec.max) {
        return {{},
                Describe(value) + " is out of range " + FormatNumber(spec.min) + "…" +
                    FormatNumber(spec.max)};
      }
      return {value, ""};
    }
    case ParamType::kChoice:
      if (is_choice(value)) return {value, ""};
      return {{}, Describe(value) + " is not one of " + JoinChoices(spec.choices)};
    case ParamType::kBool:
      if (value.is_boolean()) return {value, ""};
      return {{}, Describe(value) + " is not true or false"};
    case ParamType::kName:
      if (value.is_string() && IsName(value.get<std::string>())) return {value, ""};
      return {{}, Describe(value) + " is not a name (letters, digits, _ . + -)"};
    case ParamType::kLiberty:
    case ParamType::kPath: {
      if (is_choice(value)) return {value, ""};
      if (!value.is_string()) return {{}, Describe(value) + " is not a path" + choice_text()};
      const auto s = value.get<std::string>();
      if (!IsSafePath(s)) {
        return {{},
                Describe(value) + " is not a safe path (letters, digits and / . _ - + only)" +
                    choice_text()};
      }
      if (spec.type == ParamType::kLiberty) {
        auto ends_with = [&](std::string_view suffix) {
          return s.size() >= suffix.size() &&
                 s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (!ends_with(".lib") && !ends_with(".lib.gz")) {
          return {{},
                  Describe(value) + " is not one of " + JoinChoices(spec.choices) +
                      " nor a .lib/.lib.gz path"};
        }
      }
      return {value, ""};
    }
    case ParamType::kArgv: {
      if (!value.is_array() || value.empty()) {
        return {{}, "must be a non-empty list of strings"};
      }
      for (const auto& item : value) {
        if (!item.is_string()) return {{}, Describe(item) + " in the list is not a string"};
      }
      return {value, ""};
    }
  }
  return {{}, "unknown parameter type"};
}

}  // namespace labq
