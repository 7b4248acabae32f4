#include "orchestrator/resource_pool.h"

#include <algorithm>

namespace labq {

bool IsSlurmJob(const JobRecord& job) { return job.executor.value("type", "") == "slurm"; }

void ResourcePool::Configure(ResourceConfig config) {
  config.slots = std::max(1, config.slots);
  config_ = std::move(config);
}

double ResourcePool::LimitFor(const std::string& name, const JobRecord& job) const {
  double limit = -1;
  if (config_.limits.contains(name)) limit = config_.limits[name].get<double>();
  if (job.sweep_limits.contains(name)) {
    const double sweep_limit = job.sweep_limits[name].get<double>();
    limit = limit < 0 ? sweep_limit : std::min(limit, sweep_limit);
  }
  if (name == "gpu" && limit < 0 && !IsSlurmJob(job)) limit = static_cast<double>(visible_gpus_);
  return limit;
}

std::string ResourcePool::NeverFits(const JobRecord& job) const {
  for (const auto& [name, amount] : job.resources.items()) {
    const double limit = LimitFor(name, job);
    if (limit >= 0 && amount.get<double>() > limit) {
      return "needs " + amount.dump() + " " + name + " but the limit is " +
             std::to_string(static_cast<long>(limit)) +
             (name == "gpu" && limit == 0
                  ? " (no GPU visible: CUDA_VISIBLE_DEVICES or /dev/nvidia*; set limits: {gpu: "
                    "N} or labd --limit gpu=N to override)"
                  : "");
    }
  }
  return "";
}

bool ResourcePool::Admit(const JobRecord& job) const {
  if (!NeverFits(job).empty()) return true;
  for (const auto& [name, amount] : job.resources.items()) {
    const double limit = LimitFor(name, job);
    if (limit >= 0 && InUse(name) + amount.get<double>() > limit) return false;
  }
  return true;
}

double ResourcePool::InUse(const std::string& name) const {
  auto it = in_use_.find(name);
  return it == in_use_.end() ? 0 : it->second;
}

void ResourcePool::Add(const JobRecord& job, int sign) {
  for (const auto& [name, amount] : job.resources.items()) {
    in_use_[name] += sign * amount.get<double>();
  }
}

}  // namespace labq
