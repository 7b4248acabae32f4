#pragma once
/// How long a sweep still needs: the mean wall time of the finished jobs of
/// each kind times the queued jobs of that kind, spread over the slots. A
/// kind with no finished job yet makes the estimate unknown rather than wrong.

#include <map>
#include <optional>
#include <string>

namespace labq {

class EtaEstimator {
 public:
  /// A job of `kind` finished after `wall_seconds`.
  void Record(const std::string& kind, double wall_seconds);
  /// Seconds until `queued` (kind -> jobs) have run on `slots` slots; nullopt
  /// while a queued kind has no finished job to go by.
  std::optional<double> Estimate(const std::map<std::string, int>& queued, int slots) const;

 private:
  struct Mean {
    double sum = 0;
    int count = 0;
  };
  std::map<std::string, Mean> by_kind_;
};

}  // namespace labq
