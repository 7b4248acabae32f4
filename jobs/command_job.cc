#include "jobs/command_job.h"

#include <fstream>
#include <regex>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/cache_key.h"
#include "jobs/metric_lines.h"

namespace labq {

std::string SubstituteParams(const std::string& arg, const nlohmann::json& params,
                             const std::filesystem::path& job_dir) {
  std::string out;
  size_t i = 0;
  while (i < arg.size()) {
    const size_t open = arg.find('{', i);
    if (open == std::string::npos) {
      out += arg.substr(i);
      break;
    }
    const size_t close = arg.find('}', open);
    if (close == std::string::npos) {
      out += arg.substr(i);
      break;
    }
    out += arg.substr(i, open - i);
    const std::string name = arg.substr(open + 1, close - open - 1);
    static const std::regex identifier("[A-Za-z_][A-Za-z0-9_]*");
    if (!std::regex_match(name, identifier)) {
      // Not a placeholder (shell braces in `sh -c` text, JSON, ...): keep it as written.
      out += "{";
      i = open + 1;
      continue;
    }
    if (name == "job_dir") {
      out += job_dir.string();
    } else if (params.contains(name) && name != "argv") {
      const auto& v = params[name];
      out += v.is_string() ? v.get<std::string>() : v.dump();
    } else {
      throw JobFailed("argv: {" + name + "} is not a parameter of this job");
    }
    i = close + 1;
  }
  return out;
}

CommandParams CommandParams::From(const nlohmann::json& params) {
  CommandParams p;
  for (const auto& arg : RequiredParam(params, "argv")) p.argv.push_back(arg.get<std::string>());
  p.timeout_s = RequiredParam(params, "timeout_s").get<double>();
  p.retries = RequiredParam(params, "retries").get<int>();
  return p;
}

const std::vector<ParamSpec>& CommandKind::Params() const {
  static const CommandParams defaults;
  static const std::vector<ParamSpec> specs = {
      {"argv", ParamType::kArgv, nullptr, 0, 0, {}, "program and arguments, {param} substituted"},
      {"timeout_s", ParamType::kNumber, WholeNumber(defaults.timeout_s), 0.001, 1e7, {}, "timeout"},
      {"retries",
       ParamType::kInt,
       defaults.retries,
       0,
       10,
       {},
       "retries after a transient failure (signal)"},
  };
  return specs;
}

void CommandKind::Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const {
  sweep.jobs.push_back(
      {names.Unique(ConfigLabel(config), ""), "command", config.group, config.params, {}});
}

std::optional<std::string> CommandKind::CacheInputs(const nlohmann::json& params) const {
  // The program and every argument that names a file stand for "the tool version".
  const CommandParams p = CommandParams::From(params);
  std::string inputs;
  for (size_t i = 0; i < p.argv.size(); ++i) {
    const std::string value = SubstituteParams(p.argv[i], params, "{job_dir}");
    if (i == 0) {
      inputs += ToolHash(value) + "\n";
    } else if (std::filesystem::is_regular_file(value)) {
      inputs += InputHash(value) + "\n";
    }
  }
  return inputs;
}

JobOutput CommandKind::Run(const JobContext& context, StepRunner& runner) const {
  const CommandParams p = CommandParams::From(context.params);
  std::vector<std::string> argv;
  for (const auto& arg : p.argv) argv.push_back(SubstituteParams(arg, context.params, context.dir));
  StepOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(p.timeout_s * 1000));
  RunStepOrFail(runner, context, "command", argv, options);
  std::ifstream stdout_file(context.dir / "command.stdout", std::ios::binary);
  MetricLines parsed = ParseMetricLines(stdout_file, "command.stdout");
  JobOutput out;
  out.metrics = std::move(parsed.metrics);
  if (!parsed.warnings.empty()) {
    // Kept beside the step logs, so `labq logs` shows them, and stored with the result.
    std::string text;
    for (const auto& w : parsed.warnings) text += w + "\n";
    WriteFileAtomically(context.dir / "warnings.log", text);
    out.texts["warnings"] = text;
  }
  return out;
}

}  // namespace labq
