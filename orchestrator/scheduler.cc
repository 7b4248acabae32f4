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
#include "orchestrator/job_lock.h"
#include "orchestrator/local_runner.h"
#include "orchestrator/process_identity.h"
#include "orchestrator/slurm_execution.h"
#include "results/sqlite.h"

namespace labq {
namespace {

/// Runners in a row that may die while a job is theirs before the job is
/// failed instead of run (or committed) again: a job that takes its
/// scheduler down with it must not take every restart down too.
constexpr int kMaxCrashes = 3;
/// Waiting out a storage fault: the first retry, doubled up to the last.
constexpr double kFirstStorageRetry = 0.25;
constexpr double kMaxStorageRetry = 5.0;
/// A job whose earlier attempt still holds its lock is looked at again after this.
constexpr double kBusyRequeueDelay = 2.0;

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

/// A result the store could not take yet (disk full, I/O error); retried.
struct PendingResult {
  explicit PendingResult(JobRecord j) : job(std::move(j)) {}
  JobRecord job;
  JobCompletion completion;
  bool requeue = false;  ///< put it back in the queue rather than finish it
  std::string reason;    ///< for a requeue
  double delay = 0;      ///< seconds before a requeued job may run again
};

bool IsSlurm(const JobRecord& job) { return job.executor.value("type", "") == "slurm"; }

bool IsStorageFault(const std::exception& e) {
  const auto* sqlite = dynamic_cast<const sql::SqliteError*>(&e);
  return sqlite && sqlite->StorageFault();
}

}  // namespace

/// The state of one Loop: what runs, what waits to be stored, and whether the
/// store is healthy. Worker threads report back under `mutex`.
class Scheduler::LoopState {
 public:
  LoopState(Scheduler& s, std::optional<int64_t> sweep_id,
            const std::function<void(const Progress&)>& on_progress)
      : s_(s), sweep_id_(sweep_id), on_progress_(on_progress) {
    root_ = std::filesystem::absolute(s.options_.workdir_root);
    std::filesystem::create_directories(root_);
  }
  ~LoopState() {
    if (lock_.owns_lock()) lock_.unlock();  // the workers take it on their way out
    workers_.clear();                       // joins
  }

  void Run();
  int finished_here() const { return finished_here_; }

 private:
  void Report();
  void ReportQuietly();
  bool Admit(const JobRecord& job);
  double LimitFor(const std::string& name, const JobRecord& job);
  std::string NeverFits(const JobRecord& job);
  std::string Label(const JobRecord& job) const { return EventLabel(job, sweep_id_.has_value()); }
  std::string KeyFor(const JobRecord& job);
  int Slots();
  void JoinFinished();
  void ApplyCancels();
  void Recover();
  bool ClaimWhileFree();
  void Start(JobRecord job);
  void Launch(JobRecord job, bool attach, std::string cache_key);
  void Work(const JobRecord& job, const ExecutionEnvironment& env, bool attach,
            const std::string& cache_key, const std::shared_ptr<std::atomic<bool>>& cancel);
  JobCompletion Execute(const JobRecord& job, const ExecutionEnvironment& env, bool attach,
                        bool& lost);
  std::string Settle(PendingResult result);
  void SettleLocked(PendingResult result);
  std::string FailInstead(const PendingResult& result, const std::string& why);
  std::string Store(const PendingResult& result);
  void RetryPending();
  void Pause(const std::string& why);
  bool Finished(bool claimed_any);
  void Hold(const JobRecord& job, int delta);

  Scheduler& s_;
  std::optional<int64_t> sweep_id_;
  const std::function<void(const Progress&)>& on_progress_;
  std::filesystem::path root_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int64_t, RunningJob> running_;
  std::map<int64_t, std::jthread> workers_;
  std::vector<int64_t> finished_workers_;  // joined by the loop, so threads do not pile up
  std::map<std::string, std::pair<double, int>> seconds_by_kind_;  // sum, count
  std::map<std::string, double> in_use_;                           // resource -> amount held
  GpuPool gpus_{VisibleGpus()};  ///< the GPUs local jobs holding `gpu` are given
  std::vector<PendingResult> pending_;
  std::string storage_problem_;  ///< "" while the store takes writes
  bool probing_ = false;         ///< the problem was cleared untested
  double retry_delay_ = kFirstStorageRetry;
  std::chrono::steady_clock::time_point retry_at_;
  std::string last_event_;
  int finished_since_report_ = 0;
  std::atomic<int> finished_here_{0};
  long loops_ = 0;
  std::unique_lock<std::mutex> lock_{mutex_, std::defer_lock};
};

Scheduler::Scheduler(ResultStore& store, SchedulerOptions options)
    : store_(store), options_(std::move(options)), owner_(SelfOwner()) {
  if (options_.slots < 1) options_.slots = 1;
}

Scheduler::~Scheduler() = default;

void Scheduler::Reconfigure(int slots, const nlohmann::json& limits) {
  std::lock_guard lock(options_mutex_);
  options_.slots = std::max(1, slots);
  options_.limits = limits;
}

std::vector<std::string> Scheduler::RecoverOrphans(std::vector<JobRecord>* adopted) {
  std::vector<std::string> report;
  for (const auto& job : store_.RunningJobs()) {
    if (job.owner == owner_ || OwnerAlive(job.owner)) continue;
    try {
      if (auto line = RecoverOrphan(job, adopted); !line.empty()) report.push_back(line);
    } catch (const std::exception& e) {
      // The store failing now: the job stays the dead owner's, for the next look.
      report.push_back("cannot recover " + job.name + " now: " + e.what());
      break;
    }
  }
  return report;
}

std::string Scheduler::RecoverOrphan(const JobRecord& job, std::vector<JobRecord>* adopted) {
  if (!job.external_id.empty() || (!IsSlurm(job) && JobLock::Held(job.workdir))) {
    // Its runner lives on (SLURM, or a local runner holding the job lock): take it
    // over and collect its result when it ends; never start it twice.
    if (!adopted || !store_.Adopt(job.id, job.owner, owner_)) return "";
    adopted->push_back(job);
    return "adopted " + EventLabel(job, false) +
           (job.external_id.empty() ? " (its runner still runs)"
                                    : " (SLURM job " + job.external_id + ")");
  }
  // Nothing of it runs. Counted first, in its own transaction, so that a
  // result that crashes whoever commits it cannot loop forever.
  const int crashes = store_.RecordCrash(job.id);
  if (crashes >= kMaxCrashes) {
    JobCompletion failed;
    failed.state = JobState::kFailed;
    failed.error = "labd stopped while running this job " + std::to_string(crashes) + " times";
    store_.FinishJob(job.id, failed, job.attempts);
    return "failed " + EventLabel(job, false) + ": " + failed.error;
  }
  if (adopted && !IsSlurm(job) && AttemptResult(job.workdir, job.attempts)) {
    // Its runner finished after its scheduler died: commit what it left.
    if (!store_.Adopt(job.id, job.owner, owner_)) return "";
    adopted->push_back(job);
    return "adopted the result of " + EventLabel(job, false);
  }
  store_.Requeue(job.id, "interrupted: its runner " + job.owner + " died (attempt " +
                             std::to_string(job.attempts) + ")");
  return "requeued " + EventLabel(job, false);
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
  LoopState state(*this, sweep_id, on_progress);
  state.Run();
  finished_here_ += state.finished_here();
}

void Scheduler::LoopState::Run() {
  lock_.lock();
  while (true) {
    JoinFinished();
    bool claimed_any = false;
    try {
      ApplyCancels();
      if (!sweep_id_ && loops_++ % 10 == 0) Recover();  // the daemon adopts orphans
      if (!storage_problem_.empty()) RetryPending();
      if (storage_problem_.empty()) claimed_any = ClaimWhileFree();
      if (Finished(claimed_any)) break;
    } catch (const std::exception& e) {
      // Nothing one job or one bad moment of the disk does may end the loop.
      Pause(e.what());
      ReportQuietly();
    }
    if (finished_since_report_ == 0) {
      changed_.wait_for(lock_, s_.options_.poll, [&] { return finished_since_report_ > 0; });
    }
    if (finished_since_report_ > 0) {
      finished_since_report_ = 0;
      ReportQuietly();
    }
  }
  lock_.unlock();
  workers_.clear();  // joins
}

/// Progress while the store may be failing: a report that cannot be made is skipped.
void Scheduler::LoopState::ReportQuietly() {
  try {
    Report();
  } catch (const std::exception&) {
  }
}

void Scheduler::LoopState::Report() {
  if (!on_progress_) return;
  Progress p;
  p.storage_problem = storage_problem_;
  if (sweep_id_) p.counts = s_.store_.Counts(*sweep_id_);
  for (const auto& [id, r] : running_) p.running.push_back(r.job.name);
  p.event = last_event_;
  if (sweep_id_) {
    // ETA: mean wall time of finished jobs of each kind times what is left, over the slots.
    double work = 0;
    bool known = true;
    for (const auto& [kind, count] : s_.store_.CountsByKind(*sweep_id_, JobState::kQueued)) {
      auto it = seconds_by_kind_.find(kind);
      if (it == seconds_by_kind_.end()) {
        known = false;
        break;
      }
      work += count * it->second.first / it->second.second;
    }
    if (known) p.eta_seconds = work / Slots();
  }
  on_progress_(p);
}

/// Capacity of resource `name` for `job`: the daemon's and its sweep's
/// limits; `gpu` defaults to the GPUs visible here (SLURM jobs: the cluster's
/// gres decides). -1 = unlimited. Called with options_mutex_ held.
double Scheduler::LoopState::LimitFor(const std::string& name, const JobRecord& job) {
  double limit = -1;
  if (s_.options_.limits.contains(name)) limit = s_.options_.limits[name].get<double>();
  if (job.sweep_limits.contains(name)) {
    const double sweep_limit = job.sweep_limits[name].get<double>();
    limit = limit < 0 ? sweep_limit : std::min(limit, sweep_limit);
  }
  if (name == "gpu" && limit < 0 && !IsSlurm(job)) limit = static_cast<double>(gpus_.size());
  return limit;
}

/// Why `job` can never start (it holds more than a limit allows), or "".
std::string Scheduler::LoopState::NeverFits(const JobRecord& job) {
  std::lock_guard options_lock(s_.options_mutex_);
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

/// May `job` start now, given what runs and the daemon's and its sweep's
/// limits? A job that can never fit is let through, to be failed with the reason.
bool Scheduler::LoopState::Admit(const JobRecord& job) {
  if (!NeverFits(job).empty()) return true;
  std::lock_guard options_lock(s_.options_mutex_);
  for (const auto& [name, amount] : job.resources.items()) {
    const double limit = LimitFor(name, job);
    if (limit >= 0 && in_use_[name] + amount.get<double>() > limit) return false;
  }
  return true;
}

/// The key a finished job is stored under; "" when caching is off for it.
std::string Scheduler::LoopState::KeyFor(const JobRecord& job) {
  if (!s_.options_.use_cache || s_.store_.SweepNoCache(job.sweep_id)) return "";
  return CacheKeyFor(job.kind, job.params);
}

int Scheduler::LoopState::Slots() {
  std::lock_guard options_lock(s_.options_mutex_);
  return s_.options_.slots;
}

void Scheduler::LoopState::Hold(const JobRecord& job, int delta) {
  for (const auto& [name, amount] : job.resources.items()) {
    in_use_[name] += delta * amount.get<double>();
  }
}

void Scheduler::LoopState::JoinFinished() {
  const std::vector<int64_t> to_join = std::move(finished_workers_);
  finished_workers_.clear();
  for (int64_t id : to_join) {
    auto it = workers_.find(id);
    if (it == workers_.end()) continue;
    std::jthread done = std::move(it->second);
    workers_.erase(it);
    lock_.unlock();
    done.join();  // its last act was to notify us; this returns at once
    lock_.lock();
  }
}

/// Cancel requests from other processes, and our own cancel/interrupt.
void Scheduler::LoopState::ApplyCancels() {
  const auto requests = s_.store_.CancelRequests();
  for (auto& [id, r] : running_) {
    if (s_.cancel_ || s_.interrupt_ ||
        std::find(requests.begin(), requests.end(), id) != requests.end()) {
      r.cancel->store(true);
    }
  }
}

void Scheduler::LoopState::Recover() {
  std::vector<JobRecord> adopted;
  for (const auto& line : s_.RecoverOrphans(&adopted)) {
    last_event_ = line;
    ReportQuietly();
  }
  for (auto& job : adopted) Launch(job, true, KeyFor(job));
}

bool Scheduler::LoopState::ClaimWhileFree() {
  bool claimed_any = false;
  while (!s_.draining_ && static_cast<int>(running_.size()) < Slots()) {
    auto job = s_.store_.Claim(
        {sweep_id_, root_.string(), s_.owner_, [this](const JobRecord& j) { return Admit(j); }});
    if (!job) break;
    claimed_any = true;
    retry_delay_ = kFirstStorageRetry;  // the store takes writes
    if (probing_) {
      probing_ = false;
      last_event_ = "the results database takes writes again: resumed claiming";
      ReportQuietly();
    }
    Start(std::move(*job));
  }
  return claimed_any;
}

/// A claimed job: answered from the cache, held back, or launched. Whatever
/// goes wrong, it ends in the store (or waits to), never stuck as ours.
void Scheduler::LoopState::Start(JobRecord job) {
  try {
    const std::string key = KeyFor(job);
    if (auto hit = key.empty() ? std::nullopt : s_.store_.FindCacheHit(key)) {
      s_.store_.MarkCached(job.id, *hit, key);
      ++finished_here_;
      last_event_ = "cached " + Label(job);
    } else if (!IsSlurm(job) && JobLock::Held(job.workdir)) {
      // An earlier attempt (another scheduler's) still runs there: never two at once.
      PendingResult held(job);
      held.requeue = true;
      held.reason = "waiting: an earlier attempt of this job still runs";
      held.delay = kBusyRequeueDelay;
      SettleLocked(std::move(held));
    } else if (const std::string why = NeverFits(job); !why.empty()) {
      PendingResult failed(job);  // not answered from the cache: it can never run here
      failed.completion.state = JobState::kFailed;
      failed.completion.error = why;
      SettleLocked(std::move(failed));
    } else {
      last_event_ = "started " + Label(job);
      Launch(job, false, key);
    }
  } catch (const std::exception& e) {
    if (auto it = running_.find(job.id); it != running_.end()) {
      gpus_.Give(it->second.gpu_ids);
      running_.erase(it);
      Hold(job, -1);
    }
    PendingResult undo(job);
    if (IsStorageFault(e)) {
      undo.requeue = true;  // nothing ran: it goes back to the queue once the store works
      undo.reason = std::string("could not start: ") + e.what();
    } else {
      undo.completion.state = JobState::kFailed;
      undo.completion.error = std::string("could not start: ") + e.what();
    }
    SettleLocked(std::move(undo));
  }
  ReportQuietly();
}

/// Settle from the loop, which holds the lock Settle takes when it has to wait.
void Scheduler::LoopState::SettleLocked(PendingResult result) {
  lock_.unlock();
  const std::string event = Settle(std::move(result));
  lock_.lock();
  last_event_ = event;
}

void Scheduler::LoopState::Launch(JobRecord job, bool attach, std::string cache_key) {
  Hold(job, +1);
  RunningJob& slot = running_[job.id];
  slot.job = job;
  ExecutionEnvironment env;
  env.stage_dir = root_ / ".stage";
  env.cancel = slot.cancel.get();
  if (job.resources.contains("gpu") && !IsSlurm(job)) {
    slot.gpu_ids = gpus_.Take(static_cast<int>(std::ceil(job.resources["gpu"].get<double>())));
    // None known here (a limit set by hand): leave the job's view alone.
    if (!slot.gpu_ids.empty()) env.step_env["CUDA_VISIBLE_DEVICES"] = slot.gpu_ids;
  }
  for (int64_t dep : job.depends_on) {
    if (auto d = s_.store_.Job(dep)) env.dependency_dirs[d->name] = d->workdir;
  }
  workers_[job.id] = std::jthread([this, job, env, cache_key, attach, cancel = slot.cancel] {
    Work(job, env, attach, cache_key, cancel);
  });
}

/// A worker thread: runs (or waits for) the job, stores the outcome, reports.
void Scheduler::LoopState::Work(const JobRecord& job, const ExecutionEnvironment& env, bool attach,
                                const std::string& cache_key,
                                const std::shared_ptr<std::atomic<bool>>& cancel) {
  PendingResult result(job);
  bool lost = false;
  try {
    result.completion = Execute(job, env, attach, lost);
  } catch (const std::exception& e) {
    result.completion.state = JobState::kFailed;
    result.completion.error = std::string("labq: ") + e.what();
  }
  JobCompletion& completion = result.completion;
  if (completion.state == JobState::kDone) completion.cache_key = cache_key;
  const int retries = job.params.value("retries", 0);
  if (lost) {
    result.requeue = true;
    result.reason = "interrupted: its runner died without a result (attempt " +
                    std::to_string(job.attempts) + ")";
  } else if (completion.state == JobState::kFailed && completion.transient &&
             job.attempts <= retries && !cancel->load()) {
    result.requeue = true;
    result.reason = "retrying after: " + completion.error;
    result.delay = 2.0 * (1 << std::min(job.attempts - 1, 6));
  } else if (cancel->load() && s_.interrupt_ && completion.state != JobState::kDone) {
    result.requeue = true;  // a result that made it is kept, never run again
    result.reason = "interrupted by labd shutdown";
  } else if (cancel->load() && completion.state != JobState::kDone) {
    completion.state = JobState::kCancelled;
  }
  const double wall_seconds = completion.wall_seconds;
  const std::string event = Settle(std::move(result));
  std::lock_guard guard(mutex_);
  Hold(job, -1);
  if (auto it = running_.find(job.id); it != running_.end()) gpus_.Give(it->second.gpu_ids);
  running_.erase(job.id);
  finished_workers_.push_back(job.id);
  auto& [sum, count] = seconds_by_kind_[job.kind];
  sum += wall_seconds;
  ++count;
  last_event_ = event;
  ++finished_since_report_;
  changed_.notify_all();
}

JobCompletion Scheduler::LoopState::Execute(const JobRecord& job, const ExecutionEnvironment& env,
                                            bool attach, bool& lost) {
  if (IsSlurm(job)) {
    return RunJobOnSlurm(
        job, env, [&](const std::string& id) { s_.store_.SetExternalId(job.id, id); },
        attach ? job.external_id : "");
  }
  if (attach) {
    auto result = AwaitOrphanedAttempt(job, env.cancel);
    lost = !result;
    return result ? *result : JobCompletion{};
  }
  return RunJobLocally(job, env, [&](int pid) {
    try {
      s_.store_.SetPid(job.id, pid);  // for cancelling an adopted runner; the lock is the truth
    } catch (const std::exception&) {
    }
  });
}

/// Stores a worker's outcome. A storage fault keeps it in memory, to be
/// stored when the store takes writes again; a result the store refuses
/// fails the job instead. Returns the event line. Never throws.
std::string Scheduler::LoopState::Settle(PendingResult result) {
  try {
    return Store(result);
  } catch (const std::exception& e) {
    if (!IsStorageFault(e)) return FailInstead(result, e.what());
    const std::string name = result.job.name;
    std::lock_guard guard(mutex_);
    pending_.push_back(std::move(result));
    Pause(e.what());
    return "cannot store " + name + " yet; " + last_event_;
  }
}

/// A result the store refused (not for lack of space): the job is failed
/// with the reason instead. Never throws; a job it cannot fail either stays
/// running under this owner until the next labd recovers it.
std::string Scheduler::LoopState::FailInstead(const PendingResult& result, const std::string& why) {
  PendingResult failed(result.job);
  failed.completion.state = JobState::kFailed;
  failed.completion.error = "its result could not be stored: " + why;
  try {
    return Store(failed);
  } catch (const std::exception& e) {
    return "cannot store " + result.job.name + ": " + why + "; nor fail it: " + e.what();
  }
}

std::string Scheduler::LoopState::Store(const PendingResult& result) {
  const JobRecord& job = result.job;
  if (result.requeue) {
    s_.store_.Requeue(job.id, result.reason, result.delay);
    return result.delay > 0 ? "retry " + Label(job) + " in " +
                                  std::to_string(static_cast<int>(result.delay)) + " s"
                            : "requeued " + Label(job) + ": " + result.reason;
  }
  const auto& c = result.completion;
  if (!s_.store_.FinishJob(job.id, c, job.attempts)) {
    return "ignored a second result for " + job.name + " (attempt " + std::to_string(job.attempts) +
           " was already settled)";
  }
  ++finished_here_;
  return ToString(c.state) + " " + Label(job) + (c.error.empty() ? "" : ": " + c.error);
}

/// While paused: store what waits; claiming resumes once that worked.
void Scheduler::LoopState::RetryPending() {
  if (std::chrono::steady_clock::now() < retry_at_) return;
  std::vector<PendingResult> waiting = std::move(pending_);
  pending_.clear();
  for (size_t i = 0; i < waiting.size(); ++i) {
    try {
      last_event_ = Store(waiting[i]);
    } catch (const std::exception& e) {
      if (IsStorageFault(e)) {
        pending_.insert(pending_.end(), waiting.begin() + static_cast<long>(i), waiting.end());
        Pause(e.what());
        return;
      }
      last_event_ = FailInstead(waiting[i], e.what());
    }
    ReportQuietly();
  }
  storage_problem_.clear();
  if (waiting.empty()) {
    probing_ = true;  // nothing waited: the next claim tells whether writes work again
    return;
  }
  last_event_ = "the results database takes writes again: resumed (" +
                std::to_string(waiting.size()) + " waiting result(s) stored)";
  retry_delay_ = kFirstStorageRetry;
  Report();
}

/// Stops claiming until a retry succeeds; called with the loop's mutex held.
void Scheduler::LoopState::Pause(const std::string& why) {
  storage_problem_ = why;
  probing_ = false;
  retry_at_ = std::chrono::steady_clock::now() +
              std::chrono::milliseconds(static_cast<int>(retry_delay_ * 1000));
  last_event_ = "paused, not claiming jobs: " + why + "; retrying in " +
                std::to_string(static_cast<int>(retry_delay_ * 1000)) + " ms (" +
                std::to_string(pending_.size()) + " result(s) waiting to be stored)";
  retry_delay_ = std::min(retry_delay_ * 2, kMaxStorageRetry);
}

bool Scheduler::LoopState::Finished(bool claimed_any) {
  if (!running_.empty()) return false;
  // Results not stored yet are waited for, unless we are told to stop now;
  // a later labd adopts them from result.json.
  if (!pending_.empty() && !s_.interrupt_ && !s_.cancel_) return false;
  if (s_.draining_) return true;
  if (!sweep_id_ || claimed_any) return false;
  if (!storage_problem_.empty() || s_.store_.HasDelayedJobs(*sweep_id_)) return false;
  // Jobs of this sweep another live runner (labd) took: wait for them too.
  for (const auto& job : s_.store_.RunningJobs()) {
    if (job.sweep_id == *sweep_id_ && job.owner != s_.owner_ && OwnerAlive(job.owner)) {
      return false;
    }
  }
  return true;
}

}  // namespace labq
