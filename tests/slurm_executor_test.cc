/// labq's SLURM executor against the real single-node SLURM that
/// scripts/local-slurm starts (.ci/run starts it before the tests). Skipped,
/// with a message, when SLURM_CONF is unset or SLURM does not answer.

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <map>
#include <thread>

#include "common/file_util.h"
#include "common/text.h"
#include "orchestrator/slurm_client.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

namespace bp = boost::process;

bool SlurmUp() {
  const char* conf = std::getenv("SLURM_CONF");
  return conf && *conf && SlurmClient().Available();
}

#define LABQ_REQUIRE_SLURM()                                                                     \
  do {                                                                                           \
    if (!SlurmUp()) GTEST_SKIP() << "no SLURM: start scripts/local-slurm and export SLURM_CONF"; \
  } while (0)

class SlurmExecutorTest : public ::testing::Test {
 protected:
  std::string Db() const { return (tmp_.path() / "r.db").string(); }
  SubprocessResult Labq(std::vector<std::string> args, const std::string& log = "labq") {
    return testing::RunLabqCli(tmp_.path(), Db(), args, log);
  }
  std::string Err(const std::string& log = "labq") {
    return ReadFile((tmp_.path() / (log + ".err")).string());
  }
  void Write(const std::string& name, const std::string& text) {
    WriteFileAtomically(tmp_.path() / name, text);
  }
  /// Polls (bounded) until `done` holds for the store.
  bool WaitFor(const std::function<bool(ResultStore&)>& done, std::chrono::seconds limit) {
    ResultStore store(Db());
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done(store)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void StartLabd(int jobs) {
    labd_ =
        std::make_unique<bp::child>(bp::exe = testing::BinaryDir() + "/orchestrator/labd",
                                    bp::args = {"--db", Db(), "--jobs", std::to_string(jobs),
                                                "--workdir", (tmp_.path() / "work").string()},
                                    bp::start_dir = tmp_.path().string(), bp::std_out > bp::null,
                                    bp::std_err > (tmp_.path() / "labd.err").string());
  }
  void KillLabd() {
    if (!labd_) return;
    ::kill(labd_->id(), SIGKILL);
    labd_->wait();
    labd_.reset();
  }
  void TearDown() override { KillLabd(); }

  testing::TempDir tmp_;
  std::unique_ptr<bp::child> labd_;
};

std::map<std::string, std::map<std::string, double>> SynthMetricsByMode(ResultStore& store,
                                                                        int64_t sweep_id) {
  std::map<std::string, std::map<std::string, double>> out;
  for (const auto& job : store.Jobs(sweep_id)) {
    if (job.kind != "synth") continue;
    for (const auto& m : store.Metrics(job.id)) out[job.params["mode"]][m.name] = m.value;
  }
  return out;
}

TEST_F(SlurmExecutorTest, DpuSweepThroughSlurmGivesTheLocalTable) {
  LABQ_REQUIRE_SLURM();
  const std::string body = R"(groups:
  - name: dpu
    kind: dpu
    params: {n: 8, random_vectors: 20}
    grid: {mode: [full, msb, lsb]}
)";
  Write("local.yaml", "name: local\n" + body);
  Write("slurm.yaml", "name: onslurm\nexecutor: slurm\nslurm: {time: \"10\"}\n" + body);
  ASSERT_TRUE(Labq({"run", "local.yaml", "--quiet", "--no-cache"}).Succeeded()) << Err();
  ASSERT_TRUE(Labq({"run", "slurm.yaml", "--quiet", "--no-cache"}).Succeeded()) << Err();
  ResultStore store(Db());
  auto local = SynthMetricsByMode(store, store.FindSweep("local")->id);
  auto slurm = SynthMetricsByMode(store, store.FindSweep("onslurm")->id);
  ASSERT_EQ(local.size(), 3u);
  ASSERT_EQ(slurm.size(), 3u);
  for (const auto& [mode, m] : local) {
    SCOPED_TRACE(mode);
    for (const char* name : {"area", "cell_count", "clock_period", "power_total", "ops_per_w"}) {
      EXPECT_DOUBLE_EQ(slurm[mode][name], m.at(name)) << name;
    }
  }
  for (const auto& job : store.Jobs(store.FindSweep("onslurm")->id)) {
    EXPECT_FALSE(store.Texts(job.id)["slurm_job_id"].empty()) << job.name;
  }
}

TEST_F(SlurmExecutorTest, FailingJobBringsBackItsExitCodeAndReason) {
  LABQ_REQUIRE_SLURM();
  Write("s.yaml", R"(name: failing
executor: slurm
groups:
  - {name: c, kind: command, params: {argv: [sh, -c, "echo oops >&2; exit 3"]}}
)");
  Labq({"run", "s.yaml", "--quiet"});
  ResultStore store(Db());
  auto job = store.Jobs(store.FindSweep("failing")->id).at(0);
  EXPECT_EQ(job.state, JobState::kFailed);
  ASSERT_TRUE(job.exit_status);
  EXPECT_EQ(*job.exit_status, 3);
  EXPECT_NE(job.error.find("exit 3"), std::string::npos) << job.error;
  EXPECT_NE(job.error.find("oops"), std::string::npos) << job.error;
}

TEST_F(SlurmExecutorTest, CancelReachesScancel) {
  LABQ_REQUIRE_SLURM();
  Write("s.yaml", R"(name: long
executor: slurm
groups:
  - {name: c, kind: command, params: {argv: [sleep, "120"]}}
)");
  ASSERT_TRUE(Labq({"submit", "s.yaml"}, "submit").Succeeded());
  StartLabd(2);
  std::string slurm_id;
  ASSERT_TRUE(WaitFor(
      [&](ResultStore& s) {
        auto jobs = s.Jobs(std::nullopt, JobState::kRunning);
        if (jobs.empty() || jobs[0].external_id.empty()) return false;
        slurm_id = jobs[0].external_id;
        return true;
      },
      std::chrono::seconds(60)));
  ASSERT_TRUE(Labq({"cancel", "long"}).Succeeded());
  ASSERT_TRUE(
      WaitFor([](ResultStore& s) { return s.Jobs(std::nullopt, JobState::kCancelled).size() == 1; },
              std::chrono::seconds(60)));
  EXPECT_EQ(SlurmClient().Poll(slurm_id).state, "CANCELLED");
}

TEST_F(SlurmExecutorTest, KillNineOfLabdReattachesWithoutResubmitting) {
  LABQ_REQUIRE_SLURM();
  const std::string runs = (tmp_.path() / "runs.log").string();
  Write("s.yaml",
        "name: reattach\nexecutor: slurm\ngroups:\n  - name: c\n    kind: command\n    "
        "params: {argv: [sh, -c, \"echo start {i} >> " +
            runs + "; sleep 3; echo labq-metric v {i} count\"]}\n    grid: {i: [1, 2, 3]}\n");
  ASSERT_TRUE(Labq({"submit", "s.yaml"}, "submit").Succeeded());
  StartLabd(3);
  std::map<std::string, std::string> ids_before;
  ASSERT_TRUE(WaitFor(
      [&](ResultStore& s) {
        ids_before.clear();
        for (const auto& job : s.Jobs(std::nullopt, JobState::kRunning)) {
          if (!job.external_id.empty()) ids_before[job.name] = job.external_id;
        }
        return ids_before.size() == 3;
      },
      std::chrono::seconds(60)));
  KillLabd();  // kill -9 while SLURM runs the jobs
  StartLabd(3);
  ASSERT_TRUE(
      WaitFor([](ResultStore& s) { return s.Jobs(std::nullopt, JobState::kDone).size() == 3; },
              std::chrono::seconds(120)))
      << ReadFile((tmp_.path() / "labd.err").string());
  ResultStore store(Db());
  for (const auto& job : store.Jobs(std::nullopt)) {
    EXPECT_EQ(job.external_id, ids_before[job.name]) << job.name;  // the same SLURM job
    EXPECT_EQ(job.attempts, 1) << job.name;
    ASSERT_EQ(store.Metrics(job.id).size(), 1u);
  }
  std::map<std::string, int> starts;
  for (const auto& line : SplitLines(ReadFile(runs))) {
    if (!Trim(line).empty()) ++starts[std::string(Trim(line))];
  }
  EXPECT_EQ(starts, (std::map<std::string, int>{{"start 1", 1}, {"start 2", 1}, {"start 3", 1}}));
}

/// SLURM enforces --time in whole minutes, about 30 s late: this takes 1-2 minutes.
TEST_F(SlurmExecutorTest, SlowTimeLimitEndsAsTimeout) {
  LABQ_REQUIRE_SLURM();
  Write("s.yaml", R"(name: overtime
executor: slurm
slurm: {time: "1"}
groups:
  - {name: c, kind: command, params: {argv: [sleep, "600"]}}
)");
  Labq({"run", "s.yaml", "--quiet"});
  ResultStore store(Db());
  auto job = store.Jobs(store.FindSweep("overtime")->id).at(0);
  EXPECT_EQ(job.state, JobState::kTimeout) << job.error;
}

}  // namespace
}  // namespace labq
