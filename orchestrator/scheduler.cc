#include "orchestrator/scheduler.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "orchestrator/job_execution.h"

namespace labq {

Scheduler::Scheduler(ResultStore& store, SchedulerOptions options)
    : store_(store), options_(std::move(options)) {
  if (options_.slots < 1) options_.slots = 1;
}

SweepCounts Scheduler::RunSweep(int64_t sweep_id,
                                const std::function<void(const Progress&)>& on_progress) {
  const auto root = std::filesystem::absolute(options_.workdir_root);
  std::filesystem::create_directories(root);
  std::mutex mutex;
  std::condition_variable changed;
  std::map<int64_t, std::string> running;  // job id -> name
  std::vector<std::jthread> workers;
  std::map<std::string, std::pair<double, int>> seconds_by_kind;  // sum, count
  std::map<int64_t, std::string> kind_of;
  std::string last_event;

  auto report = [&](std::unique_lock<std::mutex>&) {
    if (!on_progress) return;
    Progress p;
    p.counts = store_.Counts(sweep_id);
    for (const auto& [id, name] : running) p.running.push_back(name);
    p.event = last_event;
    // ETA: mean wall time of finished jobs of each kind times what is left, over the slots.
    double work = 0;
    bool known = true;
    for (const auto& job : store_.Jobs(sweep_id, "queued")) {
      auto it = seconds_by_kind.find(job.kind);
      if (it == seconds_by_kind.end()) {
        known = false;
        break;
      }
      work += it->second.first / it->second.second;
    }
    if (known) p.eta_seconds = work / options_.slots;
    on_progress(p);
  };

  std::unique_lock lock(mutex);
  while (true) {
    while (!cancel_ && static_cast<int>(running.size()) < options_.slots) {
      auto job = store_.ClaimRunnable(sweep_id, root.string());
      if (!job) break;
      running[job->id] = job->name;
      kind_of[job->id] = job->kind;
      last_event = "started " + job->name;
      report(lock);
      ExecutionEnvironment env;
      env.stage_dir = root / ".stage";
      env.cancel = &cancel_;
      for (int64_t dep : job->depends_on) {
        if (auto d = store_.Job(dep)) env.dependency_dirs[d->name] = d->workdir;
      }
      workers.emplace_back([this, job = *job, env, &mutex, &changed, &running, &seconds_by_kind,
                            &kind_of, &last_event] {
        JobCompletion completion = ExecuteJob(job, env);
        store_.FinishJob(job.id, completion);
        std::lock_guard guard(mutex);
        running.erase(job.id);
        auto& [sum, count] = seconds_by_kind[kind_of[job.id]];
        sum += completion.wall_seconds;
        ++count;
        last_event = completion.state + " " + job.name +
                     (completion.error.empty() ? "" : ": " + completion.error);
        changed.notify_all();
      });
    }
    if (running.empty()) break;
    // Wait for any worker to finish, then look for newly runnable jobs.
    const size_t before = running.size();
    changed.wait(lock, [&] { return running.size() < before; });
    report(lock);
  }
  lock.unlock();
  workers.clear();  // joins
  return store_.Counts(sweep_id);
}

}  // namespace labq
