#include "jobs/command_job.h"

#include <regex>

#include "common/text.h"

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
  JobOutput out;
  for (const auto& line : SplitLines(ReadFile((context.dir / "command.stdout").string()))) {
    auto fields = SplitWhitespace(line);
    if (fields.size() < 3 || fields[0] != "labq-metric") continue;
    auto value = ParseDouble(fields[2]);
    if (!value)
      throw JobFailed("command.stdout: metric " + fields[1] + ": '" + fields[2] +
                      "' is not a number");
    out.Add(fields[1], *value, fields.size() > 3 ? fields[3] : "");
  }
  return out;
}

}  // namespace labq
