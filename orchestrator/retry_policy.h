#pragma once
/// When a failed attempt runs again, and after how long. A failure is retried
/// only when the runner called it transient (the machine, not the job: a
/// SLURM node failure, a runner killed by the OOM killer) and the job's
/// `retries` parameter leaves attempts; each retry waits twice as long as the
/// one before, so a sick machine is not hammered.

#include <chrono>

#include "results/result_store.h"

namespace labq {

/// Doubling delays: `first`, 2 × `first`, ... never more than `max`.
class Backoff {
 public:
  using Seconds = std::chrono::duration<double>;
  constexpr Backoff(Seconds first, Seconds max) : first_(first), max_(max) {}
  /// The delay before try `n` again (1 = after the first failure).
  Seconds Delay(int n) const;

 private:
  Seconds first_;
  Seconds max_;
};

class RetryPolicy {
 public:
  /// 2 s, 4 s, ... up to 128 s between attempts.
  RetryPolicy() : RetryPolicy(Backoff(std::chrono::seconds(2), std::chrono::seconds(128))) {}
  explicit RetryPolicy(Backoff backoff) : backoff_(backoff) {}
  /// Retries at once (tests: no clock to wait for).
  static RetryPolicy Immediate() { return RetryPolicy(Backoff({}, {})); }

  /// Whether the attempt `job` just made, ending in `completion`, runs again:
  /// a transient failure with retries left that nobody cancelled.
  bool ShouldRetry(const JobRecord& job, const JobCompletion& completion, bool cancelled) const;
  /// Seconds the job waits in the queue after failed attempt `attempt` (1-based).
  double DelaySeconds(int attempt) const { return backoff_.Delay(attempt).count(); }

 private:
  Backoff backoff_;
};

}  // namespace labq
