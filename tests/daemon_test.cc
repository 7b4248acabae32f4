/// The real labd process: submit, crash recovery under kill -9, cancel,
/// timeouts, missing programs, dependency skips, the cache, resource limits
/// and readers running beside it.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/process.hpp>
#include <random>
#include <thread>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/cache_key.h"
#include "orchestrator/subprocess.h"
#include "results/result_store.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

namespace bp = boost::process;

class DaemonTest : public ::testing::Test {
 protected:
  std::string Db() const { return (tmp_.path() / "r.db").string(); }
  std::string Bin(const std::string& name) const {
    return testing::BinaryDir() + (name == "labd" ? "/orchestrator/labd" : "/cli/labq");
  }

  /// labd in the background; killed (SIGKILL) when the test ends if still running.
  void StartLabd(int jobs = 2) {
    labd_ = std::make_unique<bp::child>(bp::exe = Bin("labd"),
                                        bp::args = {"--db", Db(), "--jobs", std::to_string(jobs),
                                                    "--workdir", (tmp_.path() / "work").string()},
                                        bp::start_dir = tmp_.path().string(),
                                        bp::std_out > (tmp_.path() / "labd.out").string(),
                                        bp::std_err > (tmp_.path() / "labd.err").string());
  }
  void KillLabd(int sig = SIGKILL) {
    if (!labd_) return;
    ::kill(labd_->id(), sig);
    labd_->wait();
    labd_.reset();
  }
  void TearDown() override { KillLabd(); }

  SubprocessResult Labq(std::vector<std::string> args, const std::string& log = "labq") {
    return testing::RunLabqCli(tmp_.path(), Db(), args, log);
  }

  std::string Write(const std::string& name, const std::string& text) {
    WriteFileAtomically(tmp_.path() / name, text);
    return (tmp_.path() / name).string();
  }

  int64_t Submit(const std::string& yaml_name) {
    auto r = Labq({"submit", yaml_name}, "submit");
    EXPECT_TRUE(r.Succeeded()) << ReadFile((tmp_.path() / "submit.err").string());
    return std::stoll(ReadFile((tmp_.path() / "submit.out").string()));
  }

  /// Polls the store (bounded) until the sweep has no queued or running job.
  SweepCounts WaitFinished(int64_t sweep_id,
                           std::chrono::seconds limit = std::chrono::seconds(120)) {
    ResultStore store(Db());
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto counts = store.Counts(sweep_id);
      if (counts.Finished()) return counts;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "sweep " << sweep_id << " did not finish in time";
    return store.Counts(sweep_id);
  }

  testing::TempDir tmp_;
  std::unique_ptr<bp::child> labd_;
};

TEST_F(DaemonTest, SubmitThenComplete) {
  Write("s.yaml", R"(name: quick
groups:
  - name: c
    kind: command
    params: {argv: [sh, -c, "echo labq-metric square $(({i} * {i})) count"]}
    grid: {i: [1, 2, 3, 4]}
)");
  const int64_t id = Submit("s.yaml");  // returns at once, no labd yet
  EXPECT_EQ(ResultStore(Db()).Counts(id).Count("queued"), 4);
  StartLabd();
  auto counts = WaitFinished(id);
  EXPECT_EQ(counts.Count("done"), 4);
  ResultStore store(Db());
  for (const auto& job : store.Jobs(id)) {
    const int i = job.params["i"];
    auto metrics = store.Metrics(job.id);
    ASSERT_EQ(metrics.size(), 1u);
    EXPECT_EQ(metrics[0].value, i * i);
  }
}

/// kill -9 of labd at seeded random moments of a 100-job sweep; after each
/// restart every job must end done exactly once with its own output.
TEST_F(DaemonTest, SurvivesKillNineAtRandomMoments) {
  const std::string runs = (tmp_.path() / "runs.log").string();
  std::string grid;
  for (int i = 0; i < 100; ++i) grid += (i ? ", " : "") + std::to_string(i);
  Write("s.yaml",
        "name: crashy\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [sh, "
        "-c, \"echo start {i} >> " +
            runs +
            "; sleep 0.05; echo labq-metric value {i} "
            "count\"]}\n    grid: {i: [" +
            grid + "]}\n");
  const int64_t id = Submit("s.yaml");
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<int> delay_ms(30, 400);
  for (int kill = 0; kill < 10; ++kill) {
    StartLabd();
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));  // the random moment
    KillLabd(SIGKILL);
  }
  StartLabd();
  auto counts = WaitFinished(id);
  EXPECT_EQ(counts.Count("done"), 100) << ReadFile((tmp_.path() / "labd.err").string());
  ResultStore store(Db());
  std::map<int, int> starts;
  for (const auto& line : SplitLines(ReadFile(runs))) {
    auto f = SplitWhitespace(line);
    if (f.size() == 2) ++starts[std::stoi(f[1])];
  }
  int reruns = 0;
  for (const auto& job : store.Jobs(id)) {
    const int i = job.params["i"];
    EXPECT_EQ(job.state, "done") << job.name;
    auto metrics = store.Metrics(job.id);
    ASSERT_EQ(metrics.size(), 1u) << job.name;  // recorded once, not doubled
    EXPECT_EQ(metrics[0].value, i);
    EXPECT_GE(starts[i], 1) << job.name;
    // A job runs again only after an interrupted attempt, and each run was an attempt.
    EXPECT_LE(starts[i], job.attempts) << job.name;
    reruns += starts[i] - 1;
  }
  RecordProperty("reruns_after_kills", reruns);
}

TEST_F(DaemonTest, CancelStopsRunningAndQueuedJobs) {
  Write("s.yaml", R"(name: sleepy
groups:
  - name: c
    kind: command
    params: {argv: [sleep, "30"]}
    grid: {i: [1, 2, 3, 4]}
)");
  const int64_t id = Submit("s.yaml");
  StartLabd();
  {
    ResultStore store(Db());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (store.Counts(id).Count("running") < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_TRUE(Labq({"cancel", "sleepy"}).Succeeded());
  auto counts = WaitFinished(id, std::chrono::seconds(20));
  EXPECT_EQ(counts.Count("cancelled"), 4);
}

TEST_F(DaemonTest, TimeoutMissingBinaryAndDependencySkipWhileServing) {
  Write("t.yaml", R"(name: slow
groups:
  - {name: c, kind: command, params: {argv: [sleep, "30"], timeout_s: 0.3}}
)");
  Write("m.yaml", R"(name: missing
groups:
  - {name: c, kind: command, params: {argv: [labq-no-such-program, x]}}
)");
  Write("d.yaml", R"(name: deps
groups:
  - {name: dpu, kind: dpu, params: {n: 2, mode: full, rtl: /nonexistent/dpu.v}}
)");
  Write("ok.yaml", R"(name: fine
groups:
  - {name: c, kind: command, params: {argv: ["true"]}}
)");
  StartLabd();
  const int64_t timeout_id = Submit("t.yaml");
  const int64_t missing_id = Submit("m.yaml");
  const int64_t deps_id = Submit("d.yaml");
  WaitFinished(timeout_id);
  WaitFinished(missing_id);
  WaitFinished(deps_id);
  ResultStore store(Db());
  auto timed_out = store.Jobs(timeout_id).at(0);
  EXPECT_EQ(timed_out.state, "timeout");
  EXPECT_NE(timed_out.error.find("timed out"), std::string::npos) << timed_out.error;
  auto missing = store.Jobs(missing_id).at(0);
  EXPECT_EQ(missing.state, "failed");
  EXPECT_NE(missing.error.find("'labq-no-such-program' not found"), std::string::npos)
      << missing.error;
  auto deps = store.Jobs(deps_id);
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_EQ(deps[0].state, "failed");
  EXPECT_EQ(deps[1].state, "skipped");
  EXPECT_EQ(deps[1].error, "dependency dpu.verify did not finish");
  // labd still serves after all that.
  EXPECT_EQ(WaitFinished(Submit("ok.yaml")).Count("done"), 1);
}

TEST_F(DaemonTest, CacheHitsAndMissesWhenTheToolChanges) {
  const std::string tool = Write("tool.sh", "#!/bin/sh\necho labq-metric v $1 count\n");
  ::chmod(tool.c_str(), 0755);
  Write("s.yaml", "name: cached\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [" +
                      tool + ", \"{i}\"]}\n    grid: {i: [1, 2, 3]}\n");
  ASSERT_TRUE(Labq({"run", "s.yaml", "--quiet"}).Succeeded());
  ASSERT_TRUE(Labq({"run", "s.yaml", "--quiet"}).Succeeded());
  ASSERT_TRUE(Labq({"run", "s.yaml", "--quiet", "--no-cache"}).Succeeded());
  Write("tool.sh", "#!/bin/sh\n# version 2\necho labq-metric v $1 count\n");
  ::chmod(tool.c_str(), 0755);
  ASSERT_TRUE(Labq({"run", "s.yaml", "--quiet"}).Succeeded());
  ResultStore store(Db());
  auto sweeps = store.Sweeps();
  ASSERT_EQ(sweeps.size(), 4u);
  EXPECT_EQ(store.Counts(sweeps[0].id).Count("done"), 3);
  EXPECT_EQ(store.Counts(sweeps[1].id).Count("cached"), 3);
  EXPECT_EQ(store.Counts(sweeps[2].id).Count("done"), 3);  // --no-cache
  EXPECT_EQ(store.Counts(sweeps[3].id).Count("done"), 3);  // tool changed: miss
  for (const auto& job : store.Jobs(sweeps[1].id)) {
    EXPECT_EQ(store.Metrics(job.id).at(0).value, job.params["i"].get<int>());
  }
}

TEST(CacheKey, ChangesWithTheLibertyFile) {
  testing::TempDir tmp;
  const auto lib = tmp.path() / "my.lib";
  WriteFileAtomically(lib, "library (a) { }\n");
  nlohmann::json params = {{"n", 8}, {"mode", "full"}, {"liberty", lib.string()}};
  const std::string before = CacheKeyFor("synth", params);
  EXPECT_EQ(before, CacheKeyFor("synth", params));
  WriteFileAtomically(lib, "library (b) { }\n");
  EXPECT_NE(before, CacheKeyFor("synth", params));
}

TEST_F(DaemonTest, ResourceLimitHoldsJobsBack) {
  // Two slots, but a limit of one licence: the mkdir lock must never collide.
  const std::string lockdir = (tmp_.path() / "licence").string();
  Write("s.yaml",
        "name: licensed\nlimits: {licence: 1}\ngroups:\n  - name: c\n    kind: "
        "command\n    resources: {licence: 1}\n    params: {argv: [sh, -c, \"mkdir " +
            lockdir + " && sleep 0.2 && rmdir " + lockdir + "\"]}\n    grid: {i: [1, 2, 3, 4]}\n");
  ASSERT_TRUE(Labq({"run", "s.yaml", "--jobs", "2", "--quiet"}).Succeeded())
      << ReadFile((tmp_.path() / "labq.err").string());
}

TEST_F(DaemonTest, TransientFailureIsRetriedWithBackoff) {
  // Killed by a signal on the first attempt (transient), fine on the second.
  const std::string flag = (tmp_.path() / "flag").string();
  Write("s.yaml",
        "name: flaky\ngroups:\n  - name: c\n    kind: command\n    params: {retries: 1, "
        "argv: [sh, -c, \"test -f " +
            flag + " || { touch " + flag + "; kill -9 $$; }; echo labq-metric ok 1 count\"]}\n");
  ASSERT_TRUE(Labq({"run", "s.yaml", "--quiet"}).Succeeded())
      << ReadFile((tmp_.path() / "labq.err").string());
  ResultStore store(Db());
  auto job = store.Jobs(store.FindSweep("flaky")->id).at(0);
  EXPECT_EQ(job.state, "done");
  EXPECT_EQ(job.attempts, 2);
  EXPECT_TRUE(std::filesystem::exists(job.workdir + ".attempt1"));  // the first try kept aside
}

TEST_F(DaemonTest, RetryAndLogsOfAFailedJob) {
  const std::string flag = (tmp_.path() / "flag").string();
  Write("s.yaml",
        "name: once\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [sh, "
        "-c, \"echo trying; test -f " +
            flag + " || { touch " + flag + "; echo not yet >&2; exit 1; }\"]}\n");
  EXPECT_FALSE(Labq({"run", "s.yaml", "--quiet"}).Succeeded());
  ASSERT_TRUE(Labq({"logs", "c"}, "logs").Succeeded());
  const std::string logs = ReadFile((tmp_.path() / "logs.out").string());
  EXPECT_NE(logs.find("==> command.stdout <=="), std::string::npos) << logs;
  EXPECT_NE(logs.find("not yet"), std::string::npos) << logs;
  ASSERT_TRUE(Labq({"retry", "--failed", "once"}).Succeeded());
  StartLabd();
  const int64_t id = ResultStore(Db()).FindSweep("once")->id;
  EXPECT_EQ(WaitFinished(id).Count("done"), 1);
}

TEST_F(DaemonTest, ReadersNeverSeeALockedDatabase) {
  std::string grid;
  for (int i = 0; i < 60; ++i) grid += (i ? ", " : "") + std::to_string(i);
  Write("s.yaml",
        "name: busy\ngroups:\n  - name: c\n    kind: command\n    params: {argv: "
        "[\"true\"]}\n    grid: {i: [" +
            grid + "]}\n");
  const int64_t id = Submit("s.yaml");
  StartLabd();
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, errors{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        try {
          ResultStore store(Db());
          store.Counts(id);
          store.Jobs(id);
          ++reads;
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  WaitFinished(id);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace labq
