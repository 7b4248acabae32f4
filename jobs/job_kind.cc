#include "jobs/job_kind.h"

#include <cmath>

#include "common/text.h"

namespace labq {

SubprocessResult RunStepOrFail(StepRunner& runner, const JobContext& context,
                               const std::string& step, const std::vector<std::string>& argv,
                               const StepOptions& options) {
  SubprocessResult result = runner.Run(step, argv, options);
  if (result.Succeeded()) return result;
  std::string reason = step + ": " + argv.front() + " " + result.Describe();
  // Put the tool's own words in the reason: its error/warning lines if it
  // printed any, else the last lines of stderr.
  const auto err_path = context.dir / (step + ".stderr");
  std::string tail;
  try {
    auto lines = SplitLines(ReadFile(err_path.string()));
    std::vector<std::string> picked;
    for (const auto& line : lines) {
      if (picked.size() < 5 && (Contains(line, "rror") || StartsWith(line, "%Warning"))) {
        picked.push_back(line);
      }
    }
    if (picked.empty()) {
      for (size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i) {
        if (!Trim(lines[i]).empty()) picked.push_back(lines[i]);
      }
    }
    for (const auto& line : picked) tail += "\n  " + line;
  } catch (const Error&) {
  }
  if (!tail.empty()) reason += " (" + err_path.filename().string() + "):" + tail;
  const bool transient = result.end == SubprocessResult::End::kSignaled;
  throw JobFailed(reason, transient);
}

const nlohmann::json& RequiredParam(const nlohmann::json& params, const std::string& key) {
  auto it = params.find(key);
  if (it == params.end()) throw JobFailed("parameter '" + key + "' is missing from the job");
  return *it;
}

nlohmann::json WholeNumber(double v) {
  return v == std::floor(v) ? nlohmann::json(static_cast<long long>(v)) : nlohmann::json(v);
}

std::chrono::milliseconds StepTimeout(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace labq
