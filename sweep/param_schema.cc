#include "sweep/param_schema.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

namespace labq {
namespace {

using nlohmann::json;

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

ParamSpec IntParam(std::string name, json def, double min, double max, std::string help,
                   std::vector<std::string> choices) {
  return {std::move(name),    ParamType::kInt, std::move(def), min, max,
          std::move(choices), std::move(help)};
}
ParamSpec NumberParam(std::string name, json def, double min, double max, std::string help,
                      std::vector<std::string> choices) {
  return {std::move(name),    ParamType::kNumber, std::move(def), min, max,
          std::move(choices), std::move(help)};
}
ParamSpec ChoiceParam(std::string name, json def, std::vector<std::string> choices,
                      std::string help) {
  return {std::move(name),    ParamType::kChoice, std::move(def), 0, 0,
          std::move(choices), std::move(help)};
}
ParamSpec BoolParam(std::string name, bool def, std::string help) {
  return {std::move(name), ParamType::kBool, def, 0, 0, {}, std::move(help)};
}
ParamSpec PathParam(std::string name, json def, std::vector<std::string> choices,
                    std::string help) {
  return {std::move(name),    ParamType::kPath, std::move(def), 0, 0,
          std::move(choices), std::move(help)};
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

nlohmann::json SchemaDefaults(const std::vector<ParamSpec>& specs) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& spec : specs) {
    if (!spec.default_value.is_null()) params[spec.name] = spec.default_value;
  }
  return params;
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
