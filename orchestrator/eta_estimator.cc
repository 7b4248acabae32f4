#include "orchestrator/eta_estimator.h"

#include <algorithm>

namespace labq {

void EtaEstimator::Record(const std::string& kind, double wall_seconds) {
  Mean& mean = by_kind_[kind];
  mean.sum += wall_seconds;
  ++mean.count;
}

std::optional<double> EtaEstimator::Estimate(const std::map<std::string, int>& queued,
                                             int slots) const {
  double work = 0;
  for (const auto& [kind, count] : queued) {
    auto it = by_kind_.find(kind);
    if (it == by_kind_.end()) return std::nullopt;
    work += count * it->second.sum / it->second.count;
  }
  return work / std::max(1, slots);
}

}  // namespace labq
