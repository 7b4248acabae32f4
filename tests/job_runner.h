#pragma once
/// Runs one job kind for real in a test directory, the way the scheduler
/// would, and returns what it would store.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "results/result_store.h"

namespace labq::testing {

JobCompletion RunJobForTest(const std::string& kind, const nlohmann::json& params,
                            const std::filesystem::path& dir);
/// The same, for a job whose finished dependencies left these directories
/// (by job name), as the scheduler hands them over.
JobCompletion RunJobForTest(const std::string& kind, const nlohmann::json& params,
                            const std::filesystem::path& dir,
                            const std::map<std::string, std::filesystem::path>& dependency_dirs);
/// The value of metric `name`; fails the test (returns NaN) if it is absent.
double MetricValue(const JobCompletion& completion, const std::string& name);
/// Schema defaults for a DPU, overridden by `overrides`.
nlohmann::json DpuParams(const nlohmann::json& overrides);

}  // namespace labq::testing
