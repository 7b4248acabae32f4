#include "jobs/command_job.h"

#include <fstream>
#include <regex>

#include "common/file_util.h"
#include "common/text.h"
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

JobOutput CommandJob::Run(const JobContext& context, StepRunner& runner) const {
  std::vector<std::string> argv;
  for (const auto& arg : context.params.at("argv")) {
    argv.push_back(SubstituteParams(arg.get<std::string>(), context.params, context.dir));
  }
  StepOptions options;
  options.timeout = StepTimeout(context.params);
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
