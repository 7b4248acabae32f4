/// Part 2 end to end through labq and the real labqat: a tiny QAT sweep (few
/// images, one epoch), its five-result table, and the inference-only program
/// reprinting the stored accuracies from the saved weights.

#include <gtest/gtest.h>

#include <map>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "results/table.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

TEST(Part2Integration, TinyQatSweepStoresFiveResultsThatEvalReproduces) {
  const std::string labqat = testing::BinaryDir() + "/qat/labqat";
  if (!std::filesystem::exists(labqat)) GTEST_SKIP() << "labqat not built (LABQ_BUILD_QAT=OFF)";
  testing::TempDir tmp;
  WriteFileAtomically(tmp.path() / "q.yaml", R"(name: qat_tiny
defaults: {pretrain_epochs: 1, epochs: 1, train_limit: 1500, test_limit: 500, k: 2, threads: 1}
groups:
  - name: qat
    kind: qat
    grid: {mode: [fp, q8, q4, nested]}
)");
  SubprocessSpec run;
  run.argv = {testing::BinaryDir() + "/cli/labq",
              "--db",
              (tmp.path() / "r.db").string(),
              "run",
              "q.yaml",
              "--quiet"};
  run.working_dir = tmp.path();
  run.stdout_path = tmp.path() / "run.out";
  run.stderr_path = tmp.path() / "run.err";
  ASSERT_TRUE(RunSubprocess(run).Succeeded()) << ReadFile(run.stderr_path.string());
  const std::string table = ReadFile(run.stdout_path.string());
  for (const char* row : {"FP baseline", "pure 8-bit QAT", "pure 4-bit QAT", "nested 8-bit",
                          "nested 4-bit", "q8 cut naively to 4-bit"}) {
    EXPECT_NE(table.find(row), std::string::npos) << row << "\n" << table;
  }

  ResultStore store((tmp.path() / "r.db").string());
  auto nested = store.FindJob("qat_nested.train");
  ASSERT_TRUE(nested);
  ASSERT_EQ(nested->state, JobState::kDone) << nested->error;
  std::map<std::string, double> m;
  for (const auto& metric : store.Metrics(nested->id)) m[metric.name] = metric.value;
  ASSERT_TRUE(m.count("acc8") && m.count("acc4"));
  EXPECT_GT(m["acc8"], 10.0);  // a trained network beats chance
  EXPECT_TRUE(m.count("epoch_1.loss"));

  SubprocessSpec eval;
  eval.argv = {labqat,         "eval", "--weights", nested->workdir + "/final.pt",
               "--test-limit", "500",  "--threads", "1"};
  eval.working_dir = tmp.path();
  eval.stdout_path = tmp.path() / "eval.out";
  eval.stderr_path = tmp.path() / "eval.err";
  ASSERT_TRUE(RunSubprocess(eval).Succeeded()) << ReadFile(eval.stderr_path.string());
  auto lines = SplitLines(ReadFile(eval.stdout_path.string()));
  while (!lines.empty() && Trim(lines.back()).empty()) lines.pop_back();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[lines.size() - 2],
            "Accuracy of 8-bit version is " + FormatFixed(m["acc8"], 2) + "%");
  EXPECT_EQ(lines[lines.size() - 1],
            "Accuracy of 4-bit version is " + FormatFixed(m["acc4"], 2) + "%");
}

}  // namespace
}  // namespace labq
