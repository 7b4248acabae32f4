/// The real labd process: submit, crash recovery under kill -9, cancel,
/// timeouts, missing programs, dependency skips, the cache, resource limits
/// and readers running beside it.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <boost/process.hpp>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/cache_key.h"
#include "jobs/kind_registry.h"
#include "orchestrator/job_lock.h"
#include "orchestrator/scheduler.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "results/sqlite.h"
#include "sweep/sweep_parser.h"
#include "tests/job_runner.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

namespace bp = boost::process;

class DaemonTest : public ::testing::Test {
 public:
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
  SweepCounts WaitFinished(int64_t sweep_id, std::chrono::seconds limit = std::chrono::seconds(120),
                           const std::string& db = "") {
    ResultStore store(db.empty() ? Db() : db);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto counts = store.Counts(sweep_id);
      if (counts.Finished()) return counts;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "sweep " << sweep_id << " did not finish in time";
    return store.Counts(sweep_id);
  }

  std::string LabdLog() const {
    return std::filesystem::exists(Db() + ".labd.log") ? ReadFile(Db() + ".labd.log") : "";
  }
  bool LabdAlive() { return labd_ && labd_->running(); }

  /// Polls (bounded) until `done` holds; false if it never did.
  bool WaitUntil(const std::function<bool()>& done,
                 std::chrono::seconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  testing::TempDir tmp_;
  std::unique_ptr<bp::child> labd_;
};

std::string IntegrityCheck(const std::string& db) {
  sql::Database d(db);
  sql::Statement q(d, "PRAGMA integrity_check");
  return q.Step() ? q.Text(0) : "";
}

std::string Grid(int n) {
  std::string grid;
  for (int i = 0; i < n; ++i) grid += (i ? ", " : "") + std::to_string(i);
  return grid;
}

/// Finding 2 and the kill -9 test: kill -9 of labd at seeded random moments
/// of a command sweep whose jobs log "start I PID" and, when they complete,
/// "end I PID" to a side file. From that file: every job started and
/// completed exactly once (so never twice, and never two attempts at once),
/// none is lost, each stored its own metric once, integrity_check is ok.
void KillNineSweep(DaemonTest& t, int jobs, int kills, const std::string& work = "sleep 0.05; ") {
  const std::string side = (t.tmp_.path() / "side.log").string();
  t.Write("s.yaml",
          "name: crashy\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [sh, -c, "
          "\"echo start {i} $$ >> " +
              side + "; " + work + "echo end {i} $$ >> " + side +
              "; echo labq-metric value {i} count\"]}\n    grid: {i: [" + Grid(jobs) + "]}\n");
  const int64_t id = t.Submit("s.yaml");
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<int> delay_ms(30, 400);
  for (int kill = 0; kill < kills; ++kill) {
    t.StartLabd(4);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));  // the random moment
    t.KillLabd(SIGKILL);
  }
  t.StartLabd(4);
  auto counts = t.WaitFinished(id, std::chrono::seconds(300));
  EXPECT_EQ(counts.Count(JobState::kDone), jobs) << t.LabdLog();
  std::map<int, int> starts, ends;
  std::map<int, bool> open;  // a start without its end yet
  int concurrent = 0;
  for (const auto& line : SplitLines(ReadFile(side))) {
    auto f = SplitWhitespace(line);
    ASSERT_EQ(f.size(), 3u) << line;
    const int i = std::stoi(f[1]);
    if (f[0] == "start") {
      if (open[i]) ++concurrent;
      open[i] = true;
      ++starts[i];
    } else {
      open[i] = false;
      ++ends[i];
    }
  }
  int lost = 0, twice = 0, adopted = 0;
  ResultStore store(t.Db());
  for (const auto& job : store.Jobs(id)) {
    const int i = job.params["i"];
    if (job.state != JobState::kDone || ends[i] == 0) ++lost;
    if (ends[i] > 1 || starts[i] > 1) ++twice;
    auto metrics = store.Metrics(job.id);
    ASSERT_EQ(metrics.size(), 1u) << job.name;  // recorded once, not doubled
    EXPECT_EQ(metrics[0].value, i);
  }
  for (const auto& line : SplitLines(t.LabdLog())) {
    if (line.find("adopted") != std::string::npos) ++adopted;
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(twice, 0);
  EXPECT_EQ(concurrent, 0);
  EXPECT_EQ(IntegrityCheck(t.Db()), "ok");
  // Every attempt has ended: no runner (shepherd) or step holds a job lock.
  for (const auto& job : store.Jobs(id)) EXPECT_FALSE(JobLock::Held(job.workdir)) << job.name;
  std::printf("kill -9 x%d, %d jobs: %d lost, %d run twice, %d concurrent, %d adoptions\n", kills,
              jobs, lost, twice, concurrent, adopted);
  t.RecordProperty("adoptions", adopted);
}

TEST_F(DaemonTest, SubmitThenComplete) {
  Write("s.yaml", R"(name: quick
groups:
  - name: c
    kind: command
    params: {argv: [sh, -c, "echo labq-metric square $(({i} * {i})) count"]}
    grid: {i: [1, 2, 3, 4]}
)");
  const int64_t id = Submit("s.yaml");  // returns at once, no labd yet
  EXPECT_EQ(ResultStore(Db()).Counts(id).Count(JobState::kQueued), 4);
  StartLabd();
  auto counts = WaitFinished(id);
  EXPECT_EQ(counts.Count(JobState::kDone), 4);
  ResultStore store(Db());
  for (const auto& job : store.Jobs(id)) {
    const int i = job.params["i"];
    auto metrics = store.Metrics(job.id);
    ASSERT_EQ(metrics.size(), 1u);
    EXPECT_EQ(metrics[0].value, i * i);
  }
}

/// About 5 s on 2 cores, so it stays in the default suite.
TEST_F(DaemonTest, SurvivesTwentyKillNinesInA200JobSweep) { KillNineSweep(*this, 200, 20); }

/// The shepherd's case: jobs that take no time, so many are handed over,
/// end and are settled around each kill (a result written after labd died,
/// a job handed over as labd died, one ended but not yet stored).
TEST_F(DaemonTest, ShortJobsRunExactlyOnceAcrossKillNines) { KillNineSweep(*this, 600, 12, ""); }

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
    while (store.Counts(id).Count(JobState::kRunning) < 2 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_TRUE(Labq({"cancel", "sleepy"}).Succeeded());
  auto counts = WaitFinished(id, std::chrono::seconds(20));
  EXPECT_EQ(counts.Count(JobState::kCancelled), 4);
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
  EXPECT_EQ(timed_out.state, JobState::kTimeout);
  EXPECT_NE(timed_out.error.find("timed out"), std::string::npos) << timed_out.error;
  auto missing = store.Jobs(missing_id).at(0);
  EXPECT_EQ(missing.state, JobState::kFailed);
  EXPECT_NE(missing.error.find("'labq-no-such-program' not found"), std::string::npos)
      << missing.error;
  auto deps = store.Jobs(deps_id);
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_EQ(deps[0].state, JobState::kFailed);
  EXPECT_EQ(deps[1].state, JobState::kSkipped);
  EXPECT_EQ(deps[1].error, "dependency dpu.verify did not finish");
  // labd still serves after all that.
  EXPECT_EQ(WaitFinished(Submit("ok.yaml")).Count(JobState::kDone), 1);
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
  EXPECT_EQ(store.Counts(sweeps[0].id).Count(JobState::kDone), 3);
  EXPECT_EQ(store.Counts(sweeps[1].id).Count(JobState::kCached), 3);
  EXPECT_EQ(store.Counts(sweeps[2].id).Count(JobState::kDone), 3);  // --no-cache
  EXPECT_EQ(store.Counts(sweeps[3].id).Count(JobState::kDone), 3);  // tool changed: miss
  for (const auto& job : store.Jobs(sweeps[1].id)) {
    EXPECT_EQ(store.Metrics(job.id).at(0).value, job.params["i"].get<int>());
  }
}

TEST(CacheKey, ChangesWithTheLibertyFile) {
  testing::TempDir tmp;
  const auto lib = tmp.path() / "my.lib";
  WriteFileAtomically(lib, "library (a) { }\n");
  // As the sweep reader stores them: every default filled (readers never re-default).
  const nlohmann::json params =
      testing::DpuParams({{"n", 8}, {"mode", "full"}, {"liberty", lib.string()}});
  const std::string before = CacheKeyFor("synth", params);
  EXPECT_EQ(before, CacheKeyFor("synth", params));
  WriteFileAtomically(lib, "library (b) { }\n");
  EXPECT_NE(before, CacheKeyFor("synth", params));
  EXPECT_NE(before, "");
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
  EXPECT_EQ(job.state, JobState::kDone);
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
  EXPECT_EQ(WaitFinished(id).Count(JobState::kDone), 1);
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

/// Finding 1: a poison job (NaN, a metric twice, an over-long name) aborted
/// labd at commit and every restart after. Now each fails alone, with the
/// line named, and labd serves on; a value-less line is a logged warning.
TEST_F(DaemonTest, PoisonMetricsFailOnlyTheirJob) {
  Write("s.yaml", R"(name: poison
groups:
  - name: nan
    kind: command
    params: {argv: [sh, -c, "echo hi; echo labq-metric x nan"]}
  - name: twice
    kind: command
    params: {argv: [sh, -c, "echo labq-metric x 1; echo labq-metric x 2"]}
  - name: long
    kind: command
    params: {argv: [sh, -c, "echo labq-metric $(printf 'n%.0s' $(seq 200)) 1"]}
  - name: lonely
    kind: command
    params: {argv: [sh, -c, "echo labq-metric lonely; echo labq-metric ok 1"]}
)");
  StartLabd();
  const int64_t id = Submit("s.yaml");
  WaitFinished(id);
  ResultStore store(Db());
  std::map<std::string, JobRecord> jobs;
  for (const auto& job : store.Jobs(id)) jobs[job.name] = job;
  EXPECT_EQ(jobs["nan"].state, JobState::kFailed);
  EXPECT_EQ(jobs["nan"].error, "command.stdout:2: metric x is not a finite number (nan)");
  EXPECT_EQ(jobs["twice"].state, JobState::kFailed);
  EXPECT_EQ(jobs["twice"].error, "command.stdout:2: metric x given again (first on line 1)");
  EXPECT_EQ(jobs["long"].state, JobState::kFailed);
  EXPECT_EQ(jobs["long"].error, "command.stdout:1: metric name is 200 characters, more than 128");
  EXPECT_EQ(jobs["lonely"].state, JobState::kDone);
  EXPECT_EQ(store.Metrics(jobs["lonely"].id).size(), 1u);
  EXPECT_TRUE(LabdAlive());
  ASSERT_TRUE(Labq({"logs", "lonely"}, "logs").Succeeded());
  EXPECT_NE(ReadFile((tmp_.path() / "logs.out").string())
                .find("command.stdout:1: ignored: expected 'labq-metric NAME VALUE [UNIT]'"),
            std::string::npos);
  // labd still serves after all that.
  Write("ok.yaml",
        "name: fine\ngroups:\n  - {name: c, kind: command, params: {argv: [\"true\"]}}\n");
  EXPECT_EQ(WaitFinished(Submit("ok.yaml")).Count(JobState::kDone), 1);
}

/// Finding 2, the deterministic half: a runner still running when labd
/// dies hands its result to the next labd; the job runs once.
TEST_F(DaemonTest, ARunnerThatOutlivesLabdHandsOverItsResult) {
  const std::string side = (tmp_.path() / "side.log").string();
  const std::string go = (tmp_.path() / "go").string();
  Write("s.yaml",
        "name: outlive\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [sh, -c, "
        "\"while ! test -f " +
            go + "; do sleep 0.02; done; echo ran >> " + side +
            "; echo labq-metric v 7 count\"]}\n");
  const int64_t id = Submit("s.yaml");
  StartLabd();
  ResultStore store(Db());
  ASSERT_TRUE(WaitUntil([&] { return store.Jobs(id).at(0).pid.has_value(); }));
  KillLabd(SIGKILL);  // the runner lives on, waiting for `go`
  StartLabd();
  ASSERT_TRUE(
      WaitUntil([&] { return LabdLog().find(" c (its runner still runs)") != std::string::npos; }));
  WriteFileAtomically(go, "");
  EXPECT_EQ(WaitFinished(id).Count(JobState::kDone), 1);
  const auto job = store.Jobs(id).at(0);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(store.Metrics(job.id).at(0).value, 7);
  EXPECT_EQ(ReadFile(side), "ran\n");
}

/// Finding 2, the other half: while an earlier attempt holds the job lock
/// (here: the test, standing in for a runner whose labd died before it
/// recorded anything), no labd starts the job; it commits that attempt's
/// result once the lock is free.
TEST_F(DaemonTest, NoJobStartsWhileAnEarlierAttemptHoldsItsLock) {
  const std::string side = (tmp_.path() / "side.log").string();
  Write("s.yaml",
        "name: held\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [sh, "
        "-c, \"echo ran >> " +
            side + "; echo labq-metric v 1 count\"]}\n");
  const int64_t id = Submit("s.yaml");
  ResultStore store(Db());
  // A runner that died with its owner: "999999999:0" is no live process.
  auto job = store.Claim({id, (tmp_.path() / "work").string(), "999999999:0", {}});
  ASSERT_TRUE(job);
  auto lock = JobLock::TryAcquire(job->workdir);
  ASSERT_TRUE(lock);
  StartLabd();
  ASSERT_TRUE(
      WaitUntil([&] { return LabdLog().find(" c (its runner still runs)") != std::string::npos; }));
  EXPECT_EQ(store.Jobs(id).at(0).state, JobState::kRunning);
  std::filesystem::create_directories(job->workdir);
  WriteFileAtomically(std::filesystem::path(job->workdir) / "result.json",
                      R"({"attempt": 1, "state": "done", "metrics": [{"name": "v", "value": 42,)"
                      R"( "unit": "count"}]})");
  lock.reset();
  EXPECT_EQ(WaitFinished(id).Count(JobState::kDone), 1);
  EXPECT_EQ(store.Metrics(job->id).at(0).value, 42);  // the held attempt's result, once
  EXPECT_FALSE(std::filesystem::exists(side));        // and the command never ran again
}

/// The crash-loop guard: a job whose runner died with it three times in a
/// row (a result that takes its scheduler down, say) is failed, not retried.
TEST(CrashLoopGuard, FailsAJobAfterThreeDeadRunners) {
  testing::TempDir tmp;
  const std::string db = (tmp.path() / "r.db").string();
  ResultStore store(db);
  WriteFileAtomically(
      tmp.path() / "s.yaml",
      "name: loop\ngroups:\n  - {name: c, kind: command, params: {argv: [\"true\"]}}\n");
  const int64_t id =
      store.AddSweep(LoadSweepFile(BuiltinKinds(), (tmp.path() / "s.yaml").string()));
  Scheduler scheduler(store, {});
  for (int crash = 1; crash <= 3; ++crash) {
    ASSERT_TRUE(
        store.Claim({id, tmp.path().string(), "999999999:0", {}}));  // then "999999999:0" dies
    scheduler.RecoverOrphans();
  }
  const auto job = store.Jobs(id).at(0);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.error, "labd stopped while running this job 3 times");
}

/// Finding 8: `labq run` beside labd on one database counted the jobs labd
/// took as neither done nor failed and exited 1.
TEST_F(DaemonTest, RunCountsJobsTakenByLabd) {
  Write("s.yaml",
        "name: shared\ngroups:\n  - name: c\n    kind: command\n    params: {argv: "
        "[sleep, \"0.3\"]}\n    grid: {i: [" +
            Grid(12) + "]}\n");
  StartLabd();
  auto run = Labq({"run", "s.yaml", "--jobs", "2", "--quiet"}, "run");
  const std::string err = ReadFile((tmp_.path() / "run.err").string());
  EXPECT_TRUE(run.Succeeded()) << err;
  EXPECT_NE(err.find("12 done, 0 failed"), std::string::npos) << err;
  const auto by_other = err.find(" run by another runner)");
  ASSERT_NE(by_other, std::string::npos) << err;
  const auto open = err.rfind('(', by_other);
  EXPECT_GT(std::stoi(err.substr(open + 1, by_other - open - 1)), 0) << err;
}

/// Finding 3: a full disk under the database made labd exit at COMMIT. Now
/// it stops claiming, keeps the results it could not store, says so in its
/// log and in `labq status`, and carries on once space is back.
TEST_F(DaemonTest, DiskFullPausesLabdUntilSpaceReturns) {
  const auto mnt = tmp_.path() / "small";
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    std::filesystem::path dir;
    ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string db = (mnt / "r.db").string();
  Write("s.yaml",
        "name: full\ngroups:\n  - name: c\n    kind: command\n    params: {argv: [sh, "
        "-c, \"sleep 0.1; echo labq-metric v {i} count\"]}\n    grid: {i: [" +
            Grid(30) + "]}\n");
  ASSERT_TRUE(testing::RunLabqCli(tmp_.path(), db, {"submit", "s.yaml"}, "submit").Succeeded());
  const int64_t id = ResultStore(db).FindSweep("full")->id;
  labd_ = std::make_unique<bp::child>(
      bp::exe = Bin("labd"),
      bp::args = {"--db", db, "--jobs", "2", "--workdir", (tmp_.path() / "work").string(), "--log",
                  (tmp_.path() / "labd.log").string()},
      bp::std_out > (tmp_.path() / "labd.out").string(),
      bp::std_err > (tmp_.path() / "labd.err").string());
  ResultStore store(db);
  ASSERT_TRUE(WaitUntil([&] { return store.Counts(id).Count(JobState::kDone) >= 3; }));
  {
    // Every last byte: big blocks, then pages, then bytes, until ENOSPC.
    const int fd = ::open((mnt / "filler").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    const std::string block(64 * 1024, 'x');
    for (size_t size : {block.size(), size_t{4096}, size_t{1}}) {
      while (::write(fd, block.data(), size) > 0) {
      }
    }
    EXPECT_EQ(errno, ENOSPC);
    ::close(fd);
  }
  const auto status = [&] {
    testing::RunLabqCli(tmp_.path(), db, {"status"}, "status");
    return ReadFile((tmp_.path() / "status.out").string());
  };
  ASSERT_TRUE(WaitUntil([&] { return status().find("paused") != std::string::npos; }))
      << status() << ReadFile((tmp_.path() / "labd.log").string());
  EXPECT_NE(status().find("database or disk is full"), std::string::npos) << status();
  const int done_while_full = store.Counts(id).Count(JobState::kDone);
  EXPECT_LT(done_while_full, 30);
  EXPECT_TRUE(labd_->running());
  std::filesystem::remove(mnt / "filler");  // space returns
  EXPECT_EQ(WaitFinished(id, std::chrono::seconds(120), db).Count(JobState::kDone), 30)
      << ReadFile((tmp_.path() / "labd.log").string());
  for (const auto& job : store.Jobs(id)) {
    EXPECT_EQ(store.Metrics(job.id).at(0).value, job.params["i"].get<int>()) << job.name;
  }
  const std::string log = ReadFile((tmp_.path() / "labd.log").string());
  EXPECT_NE(log.find("paused, not claiming jobs"), std::string::npos) << log;
  EXPECT_NE(log.find("takes writes again: resumed"), std::string::npos) << log;
  EXPECT_NE(status().find("labd: running on " + db + ": serving"), std::string::npos) << status();
  EXPECT_EQ(IntegrityCheck(db), "ok");
  KillLabd();
}

}  // namespace
}  // namespace labq
