#include "orchestrator/slurm_poller.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <thread>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

using namespace std::chrono_literals;

// The fake squeue and scontrol in tests/test_doubles/slurm come first on
// PATH; each call is one line of the log, naming the ids it was asked about.
class FakeSlurm : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    ::setenv("PATH", (testing::SourceDir() + "/tests/test_doubles/slurm:" + old_path_).c_str(), 1);
    log_ = tmp_.path() / "calls";
    ::setenv("LABQ_FAKE_SLURM_LOG", log_.c_str(), 1);
    ::setenv("LABQ_FAKE_SLURM_RUNNING_CALLS", "2", 1);
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    ::unsetenv("LABQ_FAKE_SLURM_LOG");
    ::unsetenv("LABQ_FAKE_SLURM_RUNNING_CALLS");
  }
  /// One entry per squeue/scontrol call: "squeue 1,2,3" or "scontrol 7".
  std::vector<std::string> Calls() const {
    std::vector<std::string> out;
    if (!std::filesystem::exists(log_)) return out;
    for (const auto& line : SplitLines(ReadFile(log_.string()))) {
      if (!Trim(line).empty()) out.emplace_back(line);
    }
    return out;
  }
  static SlurmPoller::PollFunction RealClient() {
    return [client = std::make_shared<SlurmClient>()](const std::vector<std::string>& ids) {
      return client->Poll(ids);
    };
  }

  testing::TempDir tmp_;
  std::filesystem::path log_;
  std::string old_path_;
};

/// Waits on `watch` until SLURM says the job ended; returns how many answers it took.
int WaitUntilCompleted(SlurmPoller::Watch& watch, std::string& last_state) {
  int answers = 0;
  while (true) {
    const auto state = watch.Next();
    ++answers;
    if (!state) continue;
    last_state = state->state;
    if (LabqStateFor(*state).Final()) return answers;
  }
}

// Eight jobs in flight, three ticks: three squeue calls, each about all eight
// (one scontrol per job per tick, as before, would have been 24 calls).
TEST_F(FakeSlurm, EightJobsInFlightAreOneSqueueCallPerTick) {
  SlurmPoller poller(RealClient(), 0ms);  // ticks only when the test says
  constexpr int kJobs = 8;
  std::vector<std::unique_ptr<SlurmPoller::Watch>> watches;
  std::string expected;
  for (int i = 0; i < kJobs; ++i) {
    const std::string id = std::to_string(100 + i);
    watches.push_back(std::make_unique<SlurmPoller::Watch>(poller, id));
    expected += (expected.empty() ? "" : ",") + id;
  }
  ASSERT_EQ(poller.Watched(), static_cast<size_t>(kJobs));
  std::vector<std::string> last(kJobs);
  std::atomic<int> finished{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < kJobs; ++i) {
    waiters.emplace_back([&, i] {
      WaitUntilCompleted(*watches[i], last[i]);
      ++finished;
    });
  }
  for (int tick = 1; tick <= 3; ++tick) poller.Tick();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(finished.load(), kJobs);
  for (const auto& state : last) EXPECT_EQ(state, "COMPLETED");
  const auto calls = Calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& call : calls) EXPECT_EQ(call, "squeue " + expected);
  EXPECT_EQ(poller.Ticks(), 3);
  watches.clear();
  EXPECT_EQ(poller.Watched(), 0u);
  poller.Tick();  // nothing in flight: SLURM is not asked
  EXPECT_EQ(Calls().size(), 3u);
}

// The poller's own thread: every call it makes is one tick's, and jobs that
// wait together share the calls (5 jobs x 3 answers each would be 15).
TEST_F(FakeSlurm, TheTickingThreadAsksOncePerTick) {
  constexpr int kJobs = 5;
  SlurmPoller poller(RealClient(), 20ms);
  std::vector<std::string> last(kJobs);
  std::vector<std::thread> waiters;
  {
    std::vector<std::unique_ptr<SlurmPoller::Watch>> watches;
    for (int i = 0; i < kJobs; ++i) {
      watches.push_back(std::make_unique<SlurmPoller::Watch>(poller, std::to_string(200 + i)));
    }
    for (int i = 0; i < kJobs; ++i) {
      waiters.emplace_back([&, i] { WaitUntilCompleted(*watches[i], last[i]); });
    }
    for (auto& t : waiters) t.join();
  }
  for (const auto& state : last) EXPECT_EQ(state, "COMPLETED");
  const auto calls = Calls();
  EXPECT_EQ(static_cast<int64_t>(calls.size()), poller.Ticks());
  EXPECT_GE(calls.size(), 3u);
  EXPECT_LT(calls.size(), static_cast<size_t>(kJobs) * 3);
}

// A failed query (slurmctld down) answers "no answer" to every waiter, who
// keep their jobs; the next tick asks again.
TEST(SlurmPoller, AFailedQueryIsNoAnswerAndTheNextTickAsksAgain) {
  int calls = 0;
  SlurmPoller poller(
      [&](const std::vector<std::string>& ids) {
        if (++calls == 1) throw Error("squeue: slurmctld is down");
        std::map<std::string, SlurmJobState> out;
        for (const auto& id : ids) out[id].state = "COMPLETED";
        return out;
      },
      0ms);
  SlurmPoller::Watch a(poller, "1"), b(poller, "2");
  poller.Tick();
  EXPECT_FALSE(a.Next().has_value());
  EXPECT_FALSE(b.Next().has_value());
  poller.Tick();
  EXPECT_EQ(a.Next()->state, "COMPLETED");
  EXPECT_EQ(b.Next()->state, "COMPLETED");
  EXPECT_EQ(calls, 2);
}

// An id the query does not mention is UNKNOWN (LabqStateFor: failed).
TEST(SlurmPoller, AnIdLeftOutOfTheAnswerIsUnknown) {
  SlurmPoller poller(
      [](const std::vector<std::string>&) { return std::map<std::string, SlurmJobState>{}; }, 0ms);
  SlurmPoller::Watch watch(poller, "9");
  poller.Tick();
  const auto state = watch.Next();
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->state, "UNKNOWN");
  EXPECT_TRUE(LabqStateFor(*state).Final());
}

}  // namespace
}  // namespace labq
