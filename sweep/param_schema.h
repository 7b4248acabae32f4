#pragma once
/// How a job kind says what it accepts in a sweep: names, types, ranges, defaults.
/// Every sweep value is checked here before it can reach a file or argv.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace labq {

enum class ParamType {
  kInt,     ///< integer within [min, max], or one of `choices` if any (e.g. k: 0..4 | search)
  kNumber,  ///< number within [min, max], or one of `choices` if any (e.g. period: 2.5 | auto)
  kChoice,  ///< one of `choices`
  kBool,
  kName,     ///< identifier-like: [A-Za-z0-9_.-]+
  kLiberty,  ///< a named library (osu018, nangate45, sky130) or a .lib/.lib.gz path
  kPath,     ///< a file path (existence checked at run time), or one of `choices`
  kArgv,     ///< list of strings (command jobs)
};

struct ParamSpec {
  std::string name;
  ParamType type;
  nlohmann::json default_value;  ///< null = required
  double min = 0;
  double max = 0;
  std::vector<std::string> choices;
  std::string help;
};

/// Spec builders for a kind's Params() (sweep/group_kind.h). `def` is the
/// default as the sweep file would write it (null = required): 3600 and 1.0
/// stay an integer and a float in stored parameters, and so in cache keys.
ParamSpec IntParam(std::string name, nlohmann::json def, double min, double max, std::string help,
                   std::vector<std::string> choices = {});
ParamSpec NumberParam(std::string name, nlohmann::json def, double min, double max,
                      std::string help, std::vector<std::string> choices = {});
ParamSpec ChoiceParam(std::string name, nlohmann::json def, std::vector<std::string> choices,
                      std::string help);
ParamSpec BoolParam(std::string name, bool def, std::string help);
ParamSpec PathParam(std::string name, nlohmann::json def, std::vector<std::string> choices,
                    std::string help);

const ParamSpec* FindParam(const std::vector<ParamSpec>& specs, const std::string& name);
/// Every default of `specs` as the sweep reader stores it (a spec without a
/// default is left out): the params of a job that sets nothing.
nlohmann::json SchemaDefaults(const std::vector<ParamSpec>& specs);

/// Checks one value against its spec; returns the normalized value or an error
/// message (without location; the caller adds file:line:column and key).
struct CheckedValue {
  nlohmann::json value;
  std::string error;  ///< empty when valid
};
CheckedValue CheckParam(const ParamSpec& spec, const nlohmann::json& value);
/// A user parameter of a command group: a number, bool or plain word.
CheckedValue CheckUserParam(const nlohmann::json& value);

}  // namespace labq
