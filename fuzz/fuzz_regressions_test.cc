/// Replays every input the fuzzers once crashed or hung on (kept in
/// fuzz/regressions/<target>/) through the same entry point, in the ordinary
/// test build: each must now end in a result or a labq::Error.

#include <gtest/gtest.h>

#include <filesystem>

#include "common/error.h"
#include "common/text.h"
#include "genus/report_kind.h"
#include "jobs/kind_registry.h"
#include "sweep/sweep_parser.h"
#include "tests/test_paths.h"
#include "yosys_sta/report_kind.h"

namespace labq {
namespace {

/// The parser behind fuzz target `target` (fuzz_sweep, fuzz_<tool>_<kind>).
void Parse(const std::string& target, const std::string& text) {
  if (target == "fuzz_sweep") {
    ParseSweep(BuiltinKinds(), text, "regression.yaml");
    return;
  }
  const auto parts = Split(target, '_');  // fuzz, tool, kind
  ASSERT_EQ(parts.size(), 3u) << target;
  if (parts[1] == "genus") {
    genus::ParseGenusReport(parts[2], text, "regression.rpt");
  } else {
    yosys_sta::ParseOpenFlowReport(parts[1], parts[2], text, "regression.rpt");
  }
}

TEST(FuzzRegressions, EveryKeptInputEndsInAResultOrALabqError) {
  const auto root = std::filesystem::path(testing::SourceDir()) / "fuzz" / "regressions";
  int replayed = 0;
  for (const auto& target : std::filesystem::directory_iterator(root)) {
    for (const auto& input : std::filesystem::directory_iterator(target.path())) {
      SCOPED_TRACE(input.path().string());
      try {
        Parse(target.path().filename().string(), ReadFile(input.path().string()));
      } catch (const Error&) {
        // A clear error is a fine answer to garbage.
      }
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 2);
}

}  // namespace
}  // namespace labq
