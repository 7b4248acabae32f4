/// The `gpu` resource through the real labq: its default capacity is the GPUs
/// visible to the scheduler (CUDA_VISIBLE_DEVICES here, so the test does not
/// depend on the machine), each job sees only the GPU it was handed, and with
/// none visible a GPU job fails at once with the reason instead of waiting.

#include <gtest/gtest.h>

#include <set>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

class GpuResource : public ::testing::Test {
 protected:
  std::string Db() const { return (tmp_.path() / "r.db").string(); }

  /// `labq run` with CUDA_VISIBLE_DEVICES set to `visible` for it.
  SubprocessResult RunLabq(const std::string& yaml, const std::string& visible) {
    WriteFileAtomically(tmp_.path() / "s.yaml", yaml);
    SubprocessSpec spec;
    spec.argv = {testing::BinaryDir() + "/cli/labq",
                 "--db",
                 Db(),
                 "run",
                 "s.yaml",
                 "--jobs",
                 "2",
                 "--quiet"};
    spec.working_dir = tmp_.path();
    spec.stdout_path = tmp_.path() / "run.out";
    spec.stderr_path = tmp_.path() / "run.err";
    spec.extra_env["CUDA_VISIBLE_DEVICES"] = visible;
    spec.timeout = std::chrono::seconds(120);  // a hang fails the test, not ctest
    return RunSubprocess(spec);
  }

  testing::TempDir tmp_;
};

TEST_F(GpuResource, EachJobGetsItsOwnVisibleGpu) {
  // Two GPUs, two slots, four jobs: every job sees exactly one of them, and
  // never one another running job holds (mkdir fails on a collision).
  const std::string lock = (tmp_.path() / "gpu").string();
  auto r = RunLabq(
      "name: g\ngroups:\n  - name: c\n    kind: command\n    resources: {gpu: 1}\n"
      "    params: {argv: [sh, -c, \"mkdir " +
          lock + "$CUDA_VISIBLE_DEVICES && sleep 0.3 && rmdir " + lock +
          "$CUDA_VISIBLE_DEVICES && echo labq-metric gpu $CUDA_VISIBLE_DEVICES id\"]}\n"
          "    grid: {i: [1, 2, 3, 4]}\n",
      "3,5");
  ASSERT_TRUE(r.Succeeded()) << ReadFile((tmp_.path() / "run.err").string());
  ResultStore store(Db());
  std::set<double> seen;
  for (const auto& job : store.Jobs(store.FindSweep("g")->id)) {
    ASSERT_EQ(job.state, JobState::kDone) << job.name << ": " << job.error;
    const auto metrics = store.Metrics(job.id);
    ASSERT_EQ(metrics.size(), 1u) << job.name;
    seen.insert(metrics[0].value);
    // command.sh reruns the job with the GPU it had.
    EXPECT_NE(ReadFile(job.workdir + "/command.sh").find("CUDA_VISIBLE_DEVICES="),
              std::string::npos);
  }
  EXPECT_EQ(seen, (std::set<double>{3, 5}));
}

TEST_F(GpuResource, NoVisibleGpuFailsTheJobAtOnceSayingSo) {
  auto r = RunLabq(
      "name: none\ngroups:\n  - name: c\n    kind: command\n    resources: {gpu: 1}\n"
      "    params: {argv: [\"true\"]}\n",
      "");
  EXPECT_FALSE(r.Succeeded());
  ResultStore store(Db());
  const auto jobs = store.Jobs(store.FindSweep("none")->id);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state, JobState::kFailed);
  EXPECT_NE(jobs[0].error.find("no GPU visible"), std::string::npos) << jobs[0].error;
  EXPECT_NE(jobs[0].error.find("limit"), std::string::npos) << jobs[0].error;
}

TEST_F(GpuResource, ASweepLimitOverridesTheVisibleCount) {
  auto r = RunLabq(
      "name: forced\nlimits: {gpu: 1}\ngroups:\n  - name: c\n    kind: command\n"
      "    resources: {gpu: 1}\n    params: {argv: [\"true\"]}\n",
      "");
  ASSERT_TRUE(r.Succeeded()) << ReadFile((tmp_.path() / "run.err").string());
  ResultStore store(Db());
  EXPECT_EQ(store.Jobs(store.FindSweep("forced")->id).at(0).state, JobState::kDone);
}

}  // namespace
}  // namespace labq
