#include "orchestrator/scheduler.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "jobs/cache_key.h"
#include "orchestrator/gpu_pool.h"
#include "orchestrator/job_execution.h"
#include "orchestrator/process_identity.h"
#include "orchestrator/slurm_execution.h"

namespace labq {
namespace {

/// A job as log lines name it: labd serves many sweeps, so its lines carry
/// the sweep (`lab2@3 dpu_8_full.synth`); a foreground run's need not.
std::string EventLabel(const JobRecord& job, bool one_sweep) {
  return one_sweep ? job.name
                   : job.sweep_name + "@" + std::to_string(job.sweep_id) + " " + job.name;
}

/// One job in flight: its worker thread and its own cancel flag.
struct RunningJob {
  JobRecord job;
  std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);
  std::string gpu_ids;  ///< CUDA_VISIBLE_DEVICES it was given ("" = none)
};

bool OnSlurm(const JobRecord& job) { return job.executor.value("type", "") == "slurm"; }

}  // namespace

Scheduler::Scheduler(ResultStore& store, SchedulerOptions options)
    : store_(store), options_(std::move(options)), owner_(SelfOwner()) {
  if (options_.slots < 1) options_.slots = 1;
}

void Scheduler::Reconfigure(int slots, const nlohmann::json& limits) {
  std::lock_guard lock(options_mutex_);
  options_.slots = std::max(1, slots);
  options_.limits = limits;
}

std::vector<std::string> Scheduler::RecoverOrphans(std::vector<JobRecord>* adopted) {
  std::vector<std::string> report;
  for (const auto& job : store_.RunningJobs()) {
    if (job.owner == owner_ || OwnerAlive(job.owner)) continue;
    if (!job.external_id.empty()) {
      // Still known to SLURM, which runs it without us: never submit it twice.
      if (adopted && store_.Adopt(job.id, job.owner, owner_)) {
        adopted->push_back(job);
        report.push_back("re-attached to " + EventLabel(job, false) + " (SLURM job " +
                         job.external_id + ")");
      }
      continue;
    }
    if (job.pid && ProcessGroupAlive(*job.pid)) {
      // Its step still runs without an owner to collect it: wait for it.
      report.push_back("waiting for " + EventLabel(job, false) + " (process group " +
                       std::to_string(*job.pid) + " still running)");
      continue;
    }
    store_.Requeue(job.id, "interrupted: its runner " + job.owner + " died (attempt " +
                               std::to_string(job.attempts) + ")");
    report.push_back("requeued " + EventLabel(job, false));
  }
  return report;
}

SweepCounts Scheduler::RunSweep(int64_t sweep_id,
                                const std::function<void(const Progress&)>& on_progress) {
  Loop(sweep_id, on_progress);
  return store_.Counts(sweep_id);
}

void Scheduler::Serve(const std::function<void(const Progress&)>& on_progress) {
  Loop(std::nullopt, on_progress);
}

void Scheduler::Loop(std::optional<int64_t> sweep_id,
                     const std::function<void(const Progress&)>& on_progress) {
  const auto root = std::filesystem::absolute(options_.workdir_root);
  std::filesystem::create_directories(root);
  std::mutex mutex;
  std::condition_variable changed;
  std::map<int64_t, RunningJob> running;
  std::map<int64_t, std::jthread> workers;
  std::vector<int64_t> finished_workers;  // joined by the loop, so threads do not pile up
  std::map<std::string, std::pair<double, int>> seconds_by_kind;  // sum, count
  std::map<std::string, double> in_use;                           // resource -> amount held
  std::string last_event;
  int finished_since_report = 0;

  auto report = [&](std::unique_lock<std::mutex>&) {
    if (!on_progress) return;
    Progress p;
    if (sweep_id) p.counts = store_.Counts(*sweep_id);
    for (const auto& [id, r] : running) p.running.push_back(r.job.name);
    p.event = last_event;
    if (sweep_id) {
      // ETA: mean wall time of finished jobs of each kind times what is left, over the slots.
      double work = 0;
      bool known = true;
      for (const auto& [kind, count] : store_.CountsByKind(*sweep_id, "queued")) {
        auto it = seconds_by_kind.find(kind);
        if (it == seconds_by_kind.end()) {
          known = false;
          break;
        }
        work += count * it->second.first / it->second.second;
      }
      if (known) p.eta_seconds = work / options_.slots;
    }
    on_progress(p);
  };

  // The GPUs local jobs holding `gpu` are given (CUDA_VISIBLE_DEVICES).
  GpuPool gpus(VisibleGpus());
  // Capacity of resource `name` for `job`: the daemon's and its sweep's
  // limits; `gpu` defaults to the GPUs visible here (SLURM jobs: the
  // cluster's gres decides). -1 = unlimited.
  auto limit_for = [&](const std::string& name, const JobRecord& job) {
    double limit = -1;
    if (options_.limits.contains(name)) limit = options_.limits[name].get<double>();
    if (job.sweep_limits.contains(name)) {
      const double sweep_limit = job.sweep_limits[name].get<double>();
      limit = limit < 0 ? sweep_limit : std::min(limit, sweep_limit);
    }
    if (name == "gpu" && limit < 0 && !OnSlurm(job)) limit = static_cast<double>(gpus.size());
    return limit;
  };
  // Why `job` can never start (it holds more than a limit allows), or "".
  auto never_fits = [&](const JobRecord& job) -> std::string {
    std::lock_guard options_lock(options_mutex_);
    for (const auto& [name, amount] : job.resources.items()) {
      const double limit = limit_for(name, job);
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
  };
  // May `job` start now, given what runs and the daemon's and its sweep's limits?
  // A job that can never fit is let through, to be failed with the reason.
  auto admit = [&](const JobRecord& job) {
    if (!never_fits(job).empty()) return true;
    std::lock_guard options_lock(options_mutex_);
    for (const auto& [name, amount] : job.resources.items()) {
      const double limit = limit_for(name, job);
      if (limit >= 0 && in_use[name] + amount.get<double>() > limit) return false;
    }
    return true;
  };

  // The key a finished job is stored under; "" when caching is off for it.
  auto cache_key_for = [&](const JobRecord& job) -> std::string {
    if (!options_.use_cache || store_.SweepNoCache(job.sweep_id)) return "";
    return CacheKeyFor(job.kind, job.params);
  };

  auto launch = [&](JobRecord job, bool attach, std::string cache_key) {
    for (const auto& [name, amount] : job.resources.items()) in_use[name] += amount.get<double>();
    RunningJob& slot = running[job.id];
    slot.job = job;
    ExecutionEnvironment env;
    env.stage_dir = root / ".stage";
    env.cancel = slot.cancel.get();
    const int64_t job_id = job.id;
    env.on_step_start = [this, job_id](int pid) { store_.SetPid(job_id, pid); };
    std::string gpu_ids;
    if (job.resources.contains("gpu") && !OnSlurm(job)) {
      gpu_ids = gpus.Take(static_cast<int>(std::ceil(job.resources["gpu"].get<double>())));
      // None known here (a limit set by hand): leave the job's view alone.
      if (!gpu_ids.empty()) env.step_env["CUDA_VISIBLE_DEVICES"] = gpu_ids;
      slot.gpu_ids = gpu_ids;
    }
    for (int64_t dep : job.depends_on) {
      if (auto d = store_.Job(dep)) env.dependency_dirs[d->name] = d->workdir;
    }
    const std::string label = EventLabel(job, sweep_id.has_value());
    workers[job.id] =
        std::jthread([this, job, env, cache_key, attach, label, cancel = slot.cancel, &mutex,
                      &changed, &running, &seconds_by_kind, &in_use, &last_event,
                      &finished_since_report, &finished_workers, &gpus, gpu_ids] {
          JobCompletion completion =
              job.executor.value("type", "") == "slurm"
                  ? RunJobOnSlurm(
                        job, env, [&](const std::string& id) { store_.SetExternalId(job.id, id); },
                        attach ? job.external_id : "")
                  : ExecuteJob(job, env);
          if (completion.state == "done") completion.cache_key = cache_key;
          const int retries = job.params.value("retries", 0);
          std::string event;
          if (completion.state == "failed" && completion.transient && job.attempts <= retries &&
              !cancel->load()) {
            const double backoff = 2.0 * (1 << std::min(job.attempts - 1, 6));
            store_.Requeue(job.id, "retrying after: " + completion.error, backoff);
            event = "retry " + label + " in " + std::to_string(static_cast<int>(backoff)) + " s";
          } else if (cancel->load() && interrupt_) {
            store_.Requeue(job.id, "interrupted by labd shutdown");
            event = "interrupted " + label;
          } else {
            if (cancel->load() && completion.state != "done") completion.state = "cancelled";
            store_.FinishJob(job.id, completion);
            event = completion.state + " " + label +
                    (completion.error.empty() ? "" : ": " + completion.error);
          }
          std::lock_guard guard(mutex);
          for (const auto& [name, amount] : job.resources.items())
            in_use[name] -= amount.get<double>();
          gpus.Give(gpu_ids);
          running.erase(job.id);
          finished_workers.push_back(job.id);
          auto& [sum, count] = seconds_by_kind[job.kind];
          sum += completion.wall_seconds;
          ++count;
          last_event = event;
          ++finished_since_report;
          changed.notify_all();
        });
  };

  std::unique_lock lock(mutex);
  long loops = 0;
  while (true) {
    const std::vector<int64_t> to_join = std::move(finished_workers);
    finished_workers.clear();
    for (int64_t id : to_join) {
      auto it = workers.find(id);
      if (it == workers.end()) continue;
      std::jthread done = std::move(it->second);
      workers.erase(it);
      lock.unlock();
      done.join();  // its last act was to notify us; this returns at once
      lock.lock();
    }
    // Cancel requests from other processes, and our own cancel/interrupt.
    const auto requests = store_.CancelRequests();
    for (auto& [id, r] : running) {
      if (cancel_ || interrupt_ ||
          std::find(requests.begin(), requests.end(), id) != requests.end()) {
        r.cancel->store(true);
      }
    }
    // The daemon also watches for jobs orphaned by a dead runner.
    if (!sweep_id && loops++ % 10 == 0) {
      std::vector<JobRecord> adopted;
      for (const auto& line : RecoverOrphans(&adopted)) {
        last_event = line;
        report(lock);
      }
      for (auto& job : adopted) launch(job, true, cache_key_for(job));
    }
    int slots = 0;
    {
      std::lock_guard options_lock(options_mutex_);
      slots = options_.slots;
    }
    bool claimed_any = false;
    while (!draining_ && static_cast<int>(running.size()) < slots) {
      auto job = store_.Claim({sweep_id, root.string(), owner_, admit});
      if (!job) break;
      claimed_any = true;
      const std::string key = cache_key_for(*job);
      if (!key.empty()) {
        if (auto hit = store_.FindCacheHit(key)) {
          store_.MarkCached(job->id, *hit, key);
          last_event = "cached " + EventLabel(*job, sweep_id.has_value());
          report(lock);
          continue;
        }
      }
      // Answered from the cache above if it could be; else it never runs here.
      if (const std::string why = never_fits(*job); !why.empty()) {
        JobCompletion failed;
        failed.state = "failed";
        failed.error = why;
        store_.FinishJob(job->id, failed);
        last_event = "failed " + EventLabel(*job, sweep_id.has_value()) + ": " + why;
        report(lock);
        continue;
      }
      last_event = "started " + EventLabel(*job, sweep_id.has_value());
      try {
        launch(*job, false, key);
      } catch (const std::exception& e) {
        // A claimed job must end in the store whatever goes wrong here (no thread, no disk).
        if (auto it = running.find(job->id); it != running.end()) gpus.Give(it->second.gpu_ids);
        running.erase(job->id);
        for (const auto& [name, amount] : job->resources.items()) {
          in_use[name] -= amount.get<double>();
        }
        JobCompletion failed;
        failed.state = "failed";
        failed.error = std::string("could not start: ") + e.what();
        store_.FinishJob(job->id, failed);
        last_event = "failed " + EventLabel(*job, sweep_id.has_value()) + ": " + failed.error;
      }
      report(lock);
    }
    if (running.empty()) {
      if (draining_) break;
      if (sweep_id && !claimed_any && !store_.HasDelayedJobs(*sweep_id)) break;
    }
    if (finished_since_report == 0) {
      changed.wait_for(lock, options_.poll, [&] { return finished_since_report > 0; });
    }
    if (finished_since_report > 0) {
      finished_since_report = 0;
      report(lock);
    }
  }
  lock.unlock();
  workers.clear();  // joins
}

}  // namespace labq
