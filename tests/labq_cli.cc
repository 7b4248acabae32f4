#include "tests/labq_cli.h"

#include "common/error.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq::testing {

SubprocessResult RunLabqCli(const std::filesystem::path& dir, const std::string& db,
                            const std::vector<std::string>& args, const std::string& log) {
  SubprocessSpec spec;
  spec.argv = {BinaryDir() + "/cli/labq", "--db", db};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.working_dir = dir;
  spec.stdout_path = dir / (log + ".out");
  spec.stderr_path = dir / (log + ".err");
  return RunSubprocess(spec);
}

std::string CliOutput(const std::filesystem::path& dir, const std::string& log,
                      const std::string& stream) {
  try {
    return ReadFile((dir / (log + "." + stream)).string());
  } catch (const Error&) {
    return "";
  }
}

}  // namespace labq::testing
