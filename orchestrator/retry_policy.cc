#include "orchestrator/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace labq {

Backoff::Seconds Backoff::Delay(int n) const {
  // Capped before the power so that a large n cannot overflow to inf.
  const double doublings = std::clamp(n - 1, 0, 62);
  return std::min(max_, Seconds(first_.count() * std::exp2(doublings)));
}

bool RetryPolicy::ShouldRetry(const JobRecord& job, const JobCompletion& completion,
                              bool cancelled) const {
  return completion.state == JobState::kFailed && completion.transient && !cancelled &&
         job.attempts <= job.params.value("retries", 0);
}

}  // namespace labq
