#include "gatesim/gatesim_testing.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "tests/job_runner.h"

namespace labq::gatesim::testing {

bool RunTool(const std::vector<std::string>& argv, const std::filesystem::path& dir,
             std::string* output) {
  SubprocessSpec spec;
  spec.argv = argv;
  spec.working_dir = dir;
  spec.stdout_path = dir / "tool.stdout";
  spec.stderr_path = dir / "tool.stderr";
  spec.timeout = std::chrono::minutes(10);
  const auto result = RunSubprocess(spec);
  if (output) *output = ReadFile(spec.stdout_path.string()) + ReadFile(spec.stderr_path.string());
  return result.Succeeded();
}

CellLibrary CellModels(const std::string& liberty, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::error_code ec;
  std::filesystem::remove(dir / "cells.lib", ec);
  std::filesystem::create_symlink(std::filesystem::absolute(liberty), dir / "cells.lib");
  WriteFileAtomically(dir / "cells.ys", RenderCellLibraryScript("cells.lib", "cells.json"));
  std::string output;
  if (!RunTool(CellLibraryYosysArgv("cells.ys"), dir, &output)) {
    ADD_FAILURE() << "yosys failed: " << output;
    return {};
  }
  return ReadCellLibraryJson((dir / "cells.json").string(), liberty);
}

std::filesystem::path SynthesizeDpu(int n, const std::string& mode, const std::string& liberty,
                                    const std::filesystem::path& dir) {
  auto c = labq::testing::RunJobForTest(
      "synth",
      labq::testing::DpuParams(
          {{"n", n}, {"mode", mode}, {"liberty", liberty}, {"clock_period_ns", 10}}),
      dir);
  EXPECT_EQ(c.state, JobState::kDone) << c.error;
  return dir / "job";
}

GateNetlist FlattenJob(const std::filesystem::path& job_dir) {
  const auto lib = CellModels((job_dir / "liberty.lib").string(), job_dir / "gatesim");
  return BuildGateNetlist(ReadMappedNetlist((job_dir / "netlist.v").string()), lib);
}

}  // namespace labq::gatesim::testing
