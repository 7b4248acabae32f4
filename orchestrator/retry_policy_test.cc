#include "orchestrator/retry_policy.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

JobRecord Attempt(int attempt, int retries) {
  JobRecord job;
  job.attempts = attempt;
  job.params = {{"retries", retries}};
  return job;
}

JobCompletion Failure(bool transient) {
  JobCompletion c;
  c.state = JobState::kFailed;
  c.transient = transient;
  return c;
}

TEST(Backoff, DoublesFromTheFirstDelayUpToTheMax) {
  const Backoff backoff(std::chrono::milliseconds(250), std::chrono::seconds(5));
  EXPECT_DOUBLE_EQ(backoff.Delay(1).count(), 0.25);
  EXPECT_DOUBLE_EQ(backoff.Delay(2).count(), 0.5);
  EXPECT_DOUBLE_EQ(backoff.Delay(5).count(), 4.0);
  EXPECT_DOUBLE_EQ(backoff.Delay(6).count(), 5.0);
  EXPECT_DOUBLE_EQ(backoff.Delay(1000).count(), 5.0);
  EXPECT_DOUBLE_EQ(backoff.Delay(0).count(), 0.25);
}

TEST(RetryPolicy, DefaultWaitsTwoSecondsDoubledUpTo128) {
  const RetryPolicy policy;
  EXPECT_DOUBLE_EQ(policy.DelaySeconds(1), 2);
  EXPECT_DOUBLE_EQ(policy.DelaySeconds(2), 4);
  EXPECT_DOUBLE_EQ(policy.DelaySeconds(7), 128);
  EXPECT_DOUBLE_EQ(policy.DelaySeconds(20), 128);
  EXPECT_DOUBLE_EQ(RetryPolicy::Immediate().DelaySeconds(3), 0);
}

TEST(RetryPolicy, RetriesOnlyTransientFailuresWithAttemptsLeftNotCancelled) {
  const RetryPolicy policy;
  EXPECT_TRUE(policy.ShouldRetry(Attempt(1, 2), Failure(true), false));
  EXPECT_TRUE(policy.ShouldRetry(Attempt(2, 2), Failure(true), false));
  EXPECT_FALSE(policy.ShouldRetry(Attempt(3, 2), Failure(true), false));   // retries used up
  EXPECT_FALSE(policy.ShouldRetry(Attempt(1, 2), Failure(false), false));  // the job's fault
  EXPECT_FALSE(policy.ShouldRetry(Attempt(1, 2), Failure(true), true));    // cancelled
  EXPECT_FALSE(policy.ShouldRetry(Attempt(1, 0), Failure(true), false));   // no retries asked
  JobCompletion done;
  done.state = JobState::kDone;
  done.transient = true;
  EXPECT_FALSE(policy.ShouldRetry(Attempt(1, 2), done, false));
}

}  // namespace
}  // namespace labq
