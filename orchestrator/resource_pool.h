#pragma once
/// What may run at once: parallel slots and named resource limits (labd's
/// --limit on top of each sweep's `limits:`), with what the running jobs hold.
/// The scheduler asks it before claiming a job (Admit), tells it when a job
/// starts and ends (Hold, Release), and fails a job that asks for more than a
/// limit allows (NeverFits) instead of leaving it queued forever.

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "results/result_store.h"

namespace labq {

/// The part of the scheduler's configuration labd's SIGHUP may change.
struct ResourceConfig {
  int slots = 2;
  /// Resource name -> capacity of this scheduler, on top of each sweep's.
  nlohmann::json limits = nlohmann::json::object();
};

/// Not thread-safe: the scheduler's loop owns it and calls it under its lock.
class ResourcePool {
 public:
  /// `visible_gpus`: the default capacity of `gpu` for local jobs.
  explicit ResourcePool(std::size_t visible_gpus) : visible_gpus_(visible_gpus) {}

  /// Takes new slots and limits; what running jobs hold is kept.
  void Configure(ResourceConfig config);
  int slots() const { return config_.slots; }

  /// Capacity of resource `name` for `job`: the scheduler's and its sweep's
  /// limits; `gpu` defaults to the visible GPUs (SLURM jobs: the cluster's
  /// gres decides). -1 = unlimited.
  double LimitFor(const std::string& name, const JobRecord& job) const;
  /// Why `job` can never start here (it needs more than a limit allows), or "".
  std::string NeverFits(const JobRecord& job) const;
  /// May `job` start now beside what runs? A job that can never fit is let
  /// through, so that the scheduler fails it with the reason.
  bool Admit(const JobRecord& job) const;
  /// `job` started / ended: its resources are held / given back.
  void Hold(const JobRecord& job) { Add(job, +1); }
  void Release(const JobRecord& job) { Add(job, -1); }
  /// Amount of `name` the running jobs hold.
  double InUse(const std::string& name) const;

 private:
  void Add(const JobRecord& job, int sign);

  std::size_t visible_gpus_;
  ResourceConfig config_;
  std::map<std::string, double> in_use_;
};

/// Whether `job` runs on SLURM (its resources are the cluster's business).
bool IsSlurmJob(const JobRecord& job);

}  // namespace labq
