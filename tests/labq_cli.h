#pragma once
/// Runs the real labq binary from tests: `labq --db DB ARGS...` in a folder,
/// output in <log>.out / <log>.err there.

#include <filesystem>
#include <string>
#include <vector>

#include "process/subprocess.h"

namespace labq::testing {

SubprocessResult RunLabqCli(const std::filesystem::path& dir, const std::string& db,
                            const std::vector<std::string>& args, const std::string& log = "labq");
/// Contents of <dir>/<log>.out or .err ("" if absent).
std::string CliOutput(const std::filesystem::path& dir, const std::string& log,
                      const std::string& stream = "err");

}  // namespace labq::testing
