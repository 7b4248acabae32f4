#include "orchestrator/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>

#include "tests/test_paths.h"

/// The scheduler on a fake JobRunner (no process starts) and a real
/// ResultStore on a temporary SQLite file: what runs when, what is held back,
/// retried, cancelled and recovered. A fake run blocks on conditions the
/// test states, never on a sleep.

namespace labq {
namespace {

using Behaviour = std::function<RunOutcome(const JobRecord&, const ExecutionEnvironment&)>;

RunOutcome Done() {
  RunOutcome outcome;
  outcome.completion.state = JobState::kDone;
  outcome.completion.wall_seconds = 0.001;
  return outcome;
}

RunOutcome Failure(const std::string& error, bool transient) {
  RunOutcome outcome;
  outcome.completion.state = JobState::kFailed;
  outcome.completion.error = error;
  outcome.completion.transient = transient;
  return outcome;
}

/// Records what the scheduler asked of it; runs `behaviour` (default: done).
class FakeRunner : public JobRunner {
 public:
  Behaviour behaviour;
  std::set<int64_t> attempt_running;  ///< jobs whose attempt runs without a scheduler
  std::set<int64_t> left_result;      ///< jobs whose attempt left a result

  std::string CacheKey(const JobRecord& job) override { return job.params.value("key", ""); }
  bool AttemptRunning(const JobRecord& job) override { return attempt_running.count(job.id) > 0; }
  bool AttemptLeftResult(const JobRecord& job) override { return left_result.count(job.id) > 0; }

  RunOutcome Run(const JobRecord& job, const ExecutionEnvironment& env, bool attach) override {
    {
      std::lock_guard lock(mutex_);
      started_.push_back(job.name);
      if (attach) attached_.push_back(job.name);
      max_running_ = std::max(max_running_, ++running_);
      changed_.notify_all();
    }
    RunOutcome outcome = behaviour ? behaviour(job, env) : Done();
    std::lock_guard lock(mutex_);
    --running_;
    return outcome;
  }

  /// Blocks the calling run until `n` runs have been in flight at once (a
  /// peak, so that a waiter woken late still sees it), or until
  /// `total` runs have started (the last ones may run alone); false after
  /// `limit` (the scheduler never got there: the test fails, not hangs).
  bool AwaitRunning(int n, size_t total = SIZE_MAX,
                    std::chrono::seconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit,
                             [&] { return max_running_ >= n || started_.size() >= total; });
  }

  std::vector<std::string> started() {
    std::lock_guard lock(mutex_);
    return started_;
  }
  std::vector<std::string> attached() {
    std::lock_guard lock(mutex_);
    return attached_;
  }
  int max_running() {
    std::lock_guard lock(mutex_);
    return max_running_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> started_;
  std::vector<std::string> attached_;
  int running_ = 0;
  int max_running_ = 0;
};

JobSpec Job(const std::string& name, double cost = 1, std::vector<std::string> deps = {}) {
  JobSpec job;
  job.name = name;
  job.kind = "command";
  job.group = "g";
  job.params = {{"argv", {"true"}}};
  job.cost_estimate = cost;
  job.depends_on = std::move(deps);
  return job;
}

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() : store_((tmp_.path() / "results.db").string()) {
    options_.slots = 1;
    options_.workdir_root = tmp_.path() / "work";
    options_.use_cache = false;
    options_.poll = std::chrono::milliseconds(1);
    options_.retry = RetryPolicy::Immediate();
  }

  int64_t Add(std::vector<JobSpec> jobs, nlohmann::json limits = nlohmann::json::object()) {
    Sweep sweep;
    sweep.name = "s";
    sweep.jobs = std::move(jobs);
    sweep.limits = std::move(limits);
    return store_.AddSweep(sweep);
  }

  JobRecord Named(int64_t sweep, const std::string& name) {
    return store_.FindJob(name, sweep).value();
  }

  testing::TempDir tmp_;
  ResultStore store_;
  SchedulerOptions options_;
  FakeRunner runner_;
};

TEST_F(SchedulerTest, RunsTheLongestChainFirstThenByPriorityAndId) {
  // Priorities (own cost + the longest chain after): d 1, a 2, b 1 (after a), c 5.
  const int64_t sweep = Add({Job("d"), Job("a"), Job("b", 1, {"a"}), Job("c", 5)});
  Scheduler scheduler(store_, options_, runner_);
  const SweepCounts counts = scheduler.RunSweep(sweep, {});
  EXPECT_EQ(runner_.started(), (std::vector<std::string>{"c", "a", "d", "b"}));
  EXPECT_EQ(counts.Count(JobState::kDone), 4);
  EXPECT_EQ(scheduler.finished_here(), 4);
}

TEST_F(SchedulerTest, NeverRunsMoreThanTheSlots) {
  options_.slots = 2;
  const int64_t sweep = Add({Job("j1"), Job("j2"), Job("j3"), Job("j4"), Job("j5")});
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment&) {
    EXPECT_TRUE(runner_.AwaitRunning(2, 5));  // the last job runs alone
    return Done();
  };
  Scheduler scheduler(store_, options_, runner_);
  EXPECT_EQ(scheduler.RunSweep(sweep, {}).Count(JobState::kDone), 5);
  EXPECT_EQ(runner_.max_running(), 2);
}

TEST_F(SchedulerTest, ResourceLimitsOfTheSweepAndTheSchedulerHoldJobsBack) {
  options_.slots = 4;
  options_.limits = {{"lic", 3}};
  std::vector<JobSpec> jobs;
  for (int i = 0; i < 5; ++i) {
    jobs.push_back(Job("j" + std::to_string(i)));
    jobs.back().resources = {{"lic", 1}};
  }
  const int64_t sweep = Add(jobs, {{"lic", 2}});
  std::mutex mutex;
  size_t max_claimed = 0;  // running in the store: claimed, whether or not its run began
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment&) {
    EXPECT_TRUE(runner_.AwaitRunning(2, 5));
    const size_t claimed = store_.RunningJobs().size();
    std::lock_guard lock(mutex);
    max_claimed = std::max(max_claimed, claimed);
    return Done();
  };
  Scheduler scheduler(store_, options_, runner_);
  EXPECT_EQ(scheduler.RunSweep(sweep, {}).Count(JobState::kDone), 5);
  EXPECT_EQ(runner_.max_running(), 2);  // the sweep's 2, not labd's 3 nor the 4 slots
  EXPECT_LE(max_claimed, 2u);
}

TEST_F(SchedulerTest, AJobNeedingMoreThanALimitFailsWithTheReason) {
  std::vector<JobSpec> jobs{Job("big"), Job("small")};
  jobs[0].resources = {{"lic", 3}};
  const int64_t sweep = Add(jobs, {{"lic", 2}});
  Scheduler scheduler(store_, options_, runner_);
  const SweepCounts counts = scheduler.RunSweep(sweep, {});
  EXPECT_EQ(counts.Count(JobState::kFailed), 1);
  EXPECT_EQ(Named(sweep, "big").error, "needs 3 lic but the limit is 2");
  EXPECT_EQ(runner_.started(), std::vector<std::string>{"small"});
}

TEST_F(SchedulerTest, ReconfigureFromAnotherThreadTakesEffectOnTheNextTick) {
  const int64_t sweep = Add({Job("j1"), Job("j2"), Job("j3")});
  Scheduler scheduler(store_, options_, runner_);
  runner_.behaviour = [&](const JobRecord& job, const ExecutionEnvironment&) {
    if (job.name == "j1") scheduler.Reconfigure(3, nlohmann::json::object());  // labd's SIGHUP
    EXPECT_TRUE(runner_.AwaitRunning(3));
    return Done();
  };
  EXPECT_EQ(scheduler.RunSweep(sweep, {}).Count(JobState::kDone), 3);
  EXPECT_EQ(runner_.max_running(), 3);
}

TEST_F(SchedulerTest, TransientFailuresAreRetriedUntilTheRetriesRunOut) {
  std::vector<JobSpec> jobs{Job("flaky"), Job("broken"), Job("wrong")};
  jobs[0].params["retries"] = 2;
  jobs[1].params["retries"] = 1;
  jobs[2].params["retries"] = 3;
  const int64_t sweep = Add(jobs);
  runner_.behaviour = [](const JobRecord& job, const ExecutionEnvironment&) {
    if (job.name == "flaky" && job.attempts == 3) return Done();
    if (job.name == "wrong") return Failure("exit 1", false);  // the job's own fault
    return Failure("node failure", true);
  };
  Scheduler scheduler(store_, options_, runner_);
  scheduler.RunSweep(sweep, {});
  EXPECT_EQ(Named(sweep, "flaky").state, JobState::kDone);
  EXPECT_EQ(Named(sweep, "flaky").attempts, 3);
  EXPECT_EQ(Named(sweep, "broken").state, JobState::kFailed);
  EXPECT_EQ(Named(sweep, "broken").attempts, 2);
  EXPECT_EQ(Named(sweep, "broken").error, "node failure");
  EXPECT_EQ(Named(sweep, "wrong").state, JobState::kFailed);
  EXPECT_EQ(Named(sweep, "wrong").attempts, 1);
}

TEST_F(SchedulerTest, ARetryWaitsOutItsBackoffInTheQueue) {
  options_.retry = RetryPolicy(Backoff(std::chrono::seconds(30), std::chrono::seconds(60)));
  std::vector<JobSpec> jobs{Job("flaky")};
  jobs[0].params["retries"] = 1;
  const int64_t sweep = Add(jobs);
  Scheduler scheduler(store_, options_, runner_);
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment&) {
    scheduler.Drain();  // else RunSweep would wait the 30 s out
    return Failure("node failure", true);
  };
  std::vector<std::string> events;
  scheduler.RunSweep(sweep, [&](const Progress& p) { events.push_back(p.event); });
  EXPECT_EQ(Named(sweep, "flaky").state, JobState::kQueued);
  EXPECT_EQ(Named(sweep, "flaky").attempts, 1);
  EXPECT_TRUE(store_.HasDelayedJobs(sweep));
  EXPECT_NE(std::find(events.begin(), events.end(), "retry flaky in 30 s"), events.end());
}

TEST_F(SchedulerTest, ACancelRequestStopsTheRunningJobAndCancelsTheQueued) {
  const int64_t sweep = Add({Job("long", 5), Job("later")});
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment& env) {
    store_.RequestCancel(sweep, std::nullopt);  // as `labq cancel` in another process would
    env.cancel->wait(false);
    return Failure("stopped", false);
  };
  Scheduler scheduler(store_, options_, runner_);
  const SweepCounts counts = scheduler.RunSweep(sweep, {});
  EXPECT_EQ(counts.Count(JobState::kCancelled), 2);
  EXPECT_EQ(runner_.started(), std::vector<std::string>{"long"});
}

TEST_F(SchedulerTest, InterruptPutsRunningJobsBackInTheQueue) {
  const int64_t sweep = Add({Job("long")});
  Scheduler scheduler(store_, options_, runner_);
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment& env) {
    scheduler.Interrupt();  // labd's second signal
    env.cancel->wait(false);
    return Failure("stopped", false);
  };
  scheduler.RunSweep(sweep, {});
  const JobRecord job = Named(sweep, "long");
  EXPECT_EQ(job.state, JobState::kQueued);
  EXPECT_EQ(job.error, "interrupted by labd shutdown");
}

TEST_F(SchedulerTest, AResultThatMadeItBeforeTheCancelIsKept) {
  const int64_t sweep = Add({Job("quick")});
  Scheduler scheduler(store_, options_, runner_);
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment& env) {
    scheduler.Cancel();
    env.cancel->wait(false);
    return Done();
  };
  scheduler.RunSweep(sweep, {});
  EXPECT_EQ(Named(sweep, "quick").state, JobState::kDone);
}

TEST_F(SchedulerTest, AnIdenticalJobIsAnsweredFromTheCache) {
  options_.use_cache = true;
  std::vector<JobSpec> jobs{Job("first", 2), Job("second")};
  jobs[0].params["key"] = "same";
  jobs[1].params["key"] = "same";
  const int64_t sweep = Add(jobs);
  Scheduler scheduler(store_, options_, runner_);
  const SweepCounts counts = scheduler.RunSweep(sweep, {});
  EXPECT_EQ(counts.Count(JobState::kDone), 1);
  EXPECT_EQ(counts.Count(JobState::kCached), 1);
  EXPECT_EQ(runner_.started(), std::vector<std::string>{"first"});
}

TEST_F(SchedulerTest, AJobWhoseEarlierAttemptStillRunsIsNotStartedTwice) {
  const int64_t sweep = Add({Job("busy")});
  runner_.attempt_running.insert(Named(sweep, "busy").id);
  Scheduler scheduler(store_, options_, runner_);
  std::vector<std::string> events;
  scheduler.RunSweep(sweep, [&](const Progress& p) {
    events.push_back(p.event);
    if (p.event == "retry busy in 2 s") scheduler.Drain();  // else it waits the 2 s out
  });
  EXPECT_TRUE(runner_.started().empty());
  EXPECT_EQ(Named(sweep, "busy").state, JobState::kQueued);
  EXPECT_EQ(Named(sweep, "busy").error, "waiting: an earlier attempt of this job still runs");
}

constexpr const char* kDeadOwner = "999999999:0";  // no such pid

TEST_F(SchedulerTest, AnOrphanWithNothingRunningIsRequeuedThenRun) {
  const int64_t sweep = Add({Job("orphan")});
  ASSERT_TRUE(store_.Claim({sweep, tmp_.path().string(), kDeadOwner, {}}));
  Scheduler scheduler(store_, options_, runner_);
  EXPECT_EQ(scheduler.RecoverOrphans(), std::vector<std::string>{"requeued s@1 orphan"});
  EXPECT_EQ(Named(sweep, "orphan").state, JobState::kQueued);
  scheduler.RunSweep(sweep, {});
  EXPECT_EQ(Named(sweep, "orphan").state, JobState::kDone);
  EXPECT_EQ(Named(sweep, "orphan").attempts, 2);
}

TEST_F(SchedulerTest, TheDaemonAdoptsAnOrphanThatLeftAResultAndCommitsIt) {
  const int64_t sweep = Add({Job("orphan"), Job("alive")});
  ASSERT_TRUE(store_.Claim({sweep, tmp_.path().string(), kDeadOwner, {}}));
  ASSERT_TRUE(store_.Claim({sweep, tmp_.path().string(), kDeadOwner, {}}));
  runner_.left_result.insert(Named(sweep, "orphan").id);
  runner_.attempt_running.insert(Named(sweep, "alive").id);
  options_.slots = 2;
  Scheduler scheduler(store_, options_, runner_);
  runner_.behaviour = [&](const JobRecord&, const ExecutionEnvironment&) {
    if (runner_.AwaitRunning(2)) scheduler.Drain();  // both adopted: labd may stop after them
    return Done();
  };
  scheduler.Serve({});
  auto attached = runner_.attached();
  std::sort(attached.begin(), attached.end());
  EXPECT_EQ(attached, (std::vector<std::string>{"alive", "orphan"}));
  EXPECT_EQ(Named(sweep, "orphan").state, JobState::kDone);
  EXPECT_EQ(Named(sweep, "orphan").attempts, 1);  // committed, not run again
  EXPECT_EQ(Named(sweep, "alive").state, JobState::kDone);
}

TEST_F(SchedulerTest, AJobThatCrashesThreeRunnersFails) {
  const int64_t sweep = Add({Job("poison")});
  Scheduler scheduler(store_, options_, runner_);
  for (int crash = 1; crash <= 3; ++crash) {
    ASSERT_TRUE(store_.Claim({sweep, tmp_.path().string(), kDeadOwner, {}}));
    scheduler.RecoverOrphans();
  }
  EXPECT_EQ(Named(sweep, "poison").state, JobState::kFailed);
  EXPECT_EQ(Named(sweep, "poison").error, "labd stopped while running this job 3 times");
}

TEST_F(SchedulerTest, ProgressCarriesCountsRunningJobsAndAnEta) {
  options_.slots = 2;
  const int64_t sweep = Add({Job("a"), Job("b"), Job("c")});
  Scheduler scheduler(store_, options_, runner_);
  std::vector<Progress> seen;
  scheduler.RunSweep(sweep, [&](const Progress& p) { seen.push_back(p); });
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().counts.Count(JobState::kDone), 3);
  EXPECT_EQ(seen.front().eta_seconds, -1);  // nothing finished yet to go by
  // The report after the first job ended comes before `c` is claimed.
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](const Progress& p) {
    return p.eta_seconds >= 0 && p.counts.Count(JobState::kQueued) == 1;
  }));
}

}  // namespace
}  // namespace labq
