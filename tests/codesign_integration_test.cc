/// The co-design join end to end through labq and the real tools: a tiny
/// nested training, the N=8 DPUs synthesized with Yosys + OpenSTA, the
/// network run on their arithmetic by `labqat hweval`, and `labq table
/// codesign` putting each accuracy beside its DPU's OPS/W.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

TEST(CodesignIntegration, TinySweepPutsHardwareAccuracyBesideOpsPerWatt) {
  const std::string labqat = testing::BinaryDir() + "/qat/labqat";
  if (!std::filesystem::exists(labqat)) GTEST_SKIP() << "labqat not built (LABQ_BUILD_QAT=OFF)";
  testing::TempDir tmp;
  WriteFileAtomically(tmp.path() / "cd.yaml", R"(name: cd_tiny
groups:
  - name: train
    kind: qat
    params: {mode: nested, pretrain_epochs: 1, epochs: 1, train_limit: 2000, test_limit: 300,
             k: 2, threads: 2}
  - name: hw
    kind: dpu
    params: {n: 8, verify: false, clock_period_ns: lab}
    grid: {mode: [full, msb]}
  - name: ev
    kind: hw_eval
    params: {from: train, n: 8, b_format: unsigned-split, test_limit: 300, calib: 256}
    grid: {mode: [full, msb]}
)");
  const std::string db = (tmp.path() / "r.db").string();
  ASSERT_TRUE(testing::RunLabqCli(tmp.path(), db, {"run", "cd.yaml", "--quiet"}, "run").Succeeded())
      << testing::CliOutput(tmp.path(), "run");
  ASSERT_TRUE(testing::RunLabqCli(tmp.path(), db,
                                  {"table", "codesign", "--sweep", "cd_tiny", "--format", "json"},
                                  "table")
                  .Succeeded())
      << testing::CliOutput(tmp.path(), "table");
  EXPECT_EQ(testing::CliOutput(tmp.path(), "table"), "");  // no metric missing
  const auto rows = nlohmann::json::parse(testing::CliOutput(tmp.path(), "table", "out"))["rows"];
  ASSERT_EQ(rows.size(), 2u) << rows.dump();
  for (const auto& row : rows) {
    EXPECT_EQ(row["state"], "done") << row.dump();
    EXPECT_EQ(row["N"], 8);
    EXPECT_EQ(row["b_format"], "unsigned-split");
    EXPECT_GT(row["accuracy_pct"].get<double>(), 10.0) << row.dump();  // beats chance
    EXPECT_GT(row["OPS_per_W"].get<double>(), 0) << row.dump();
    EXPECT_GT(row["energy_pJ"].get<double>(), 0) << row.dump();
    EXPECT_TRUE(row["pareto"] == "yes" || row["pareto"] == "no") << row.dump();
  }
  // full mode changes nothing but the activations' quantization: close to
  // the float-activation accuracy of the same weights (300 images: 1 = 0.33).
  EXPECT_EQ(rows[0]["mode"], "full");
  EXPECT_LE(std::fabs(rows[0]["delta_pts"].get<double>()), 2.0) << rows[0].dump();
}

}  // namespace
}  // namespace labq
