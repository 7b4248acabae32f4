#include "tests/job_runner.h"

#include <gtest/gtest.h>

#include <cmath>

#include "jobs/dpu_kind.h"
#include "orchestrator/job_execution.h"
#include "sweep/param_schema.h"

namespace labq::testing {

JobCompletion RunJobForTest(const std::string& kind, const nlohmann::json& params,
                            const std::filesystem::path& dir) {
  return RunJobForTest(kind, params, dir, {});
}

JobCompletion RunJobForTest(const std::string& kind, const nlohmann::json& params,
                            const std::filesystem::path& dir,
                            const std::map<std::string, std::filesystem::path>& dependency_dirs) {
  JobRecord job;
  job.id = 1;
  job.sweep_name = "test";
  job.name = "job";
  job.kind = kind;
  job.params = params;
  job.attempts = 1;
  job.workdir = (dir / "job").string();
  ExecutionEnvironment env;
  env.stage_dir = dir / ".stage";
  env.dependency_dirs = dependency_dirs;
  return ExecuteJob(job, env);
}

double MetricValue(const JobCompletion& completion, const std::string& name) {
  for (const auto& m : completion.metrics) {
    if (m.name == name) return m.value;
  }
  ADD_FAILURE() << "no metric " << name;
  return std::nan("");
}

nlohmann::json DpuParams(const nlohmann::json& overrides) {
  nlohmann::json params = SchemaDefaults(DpuParamSpecs());
  params.update(overrides);
  return params;
}

}  // namespace labq::testing
