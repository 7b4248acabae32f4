#include "orchestrator/scheduler.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "orchestrator/eta_estimator.h"
#include "orchestrator/gpu_pool.h"
#include "orchestrator/process_identity.h"
#include "results/sqlite.h"

namespace labq {
namespace {

/// Runners in a row that may die while a job is theirs before the job is
/// failed instead of run (or committed) again: a job that takes its
/// scheduler down with it must not take every restart down too.
constexpr int kMaxCrashes = 3;
/// Waiting out a storage fault: the first retry, doubled up to the last.
constexpr Backoff kStorageBackoff(std::chrono::milliseconds(250), std::chrono::seconds(5));
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

PendingResult Requeued(JobRecord job, std::string reason, double delay = 0) {
  PendingResult result(std::move(job));
  result.requeue = true;
  result.reason = std::move(reason);
  result.delay = delay;
  return result;
}

PendingResult Failed(JobRecord job, std::string error) {
  PendingResult result(std::move(job));
  result.completion.state = JobState::kFailed;
  result.completion.error = std::move(error);
  return result;
}

bool IsStorageFault(const std::exception& e) {
  const auto* sqlite = dynamic_cast<const sql::SqliteError*>(&e);
  return sqlite && sqlite->StorageFault();
}

}  // namespace

/// The state of one Loop: what runs, what waits to be stored, and whether the
/// store is healthy. Worker threads report back under `mutex_`; everything
/// else is the loop thread's, touched with `lock_` held.
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
  bool Tick();
  void TakeNewConfig();
  void WaitForNews();
  void Report();
  void ReportQuietly();
  std::string Label(const JobRecord& job) const { return EventLabel(job, sweep_id_.has_value()); }
  std::string KeyFor(const JobRecord& job);
  void JoinFinished();
  void ApplyCancels();
  void Recover();
  bool ClaimWhileFree();
  void Start(JobRecord job);
  void Undo(const JobRecord& job, const std::exception& e);
  void Launch(JobRecord job, bool attach, std::string cache_key);
  ExecutionEnvironment EnvironmentFor(const JobRecord& job, RunningJob& slot);
  void Work(const JobRecord& job, const ExecutionEnvironment& env, bool attach,
            const std::string& cache_key, const std::shared_ptr<std::atomic<bool>>& cancel);
  RunOutcome RunCaught(const JobRecord& job, const ExecutionEnvironment& env, bool attach);
  PendingResult Resolve(const JobRecord& job, RunOutcome outcome, bool cancelled);
  void Ended(const JobRecord& job, double wall_seconds, const std::string& event);
  std::string Settle(PendingResult result);
  void SettleLocked(PendingResult result);
  std::string FailInstead(const PendingResult& result, const std::string& why);
  std::string Store(const PendingResult& result);
  void RetryPending();
  void Pause(const std::string& why);
  bool Finished(bool claimed_any);
  bool OthersRunSweep();

  Scheduler& s_;
  std::optional<int64_t> sweep_id_;
  const std::function<void(const Progress&)>& on_progress_;
  std::filesystem::path root_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<int64_t, RunningJob> running_;
  std::map<int64_t, std::jthread> workers_;
  std::vector<int64_t> finished_workers_;  // joined by the loop, so threads do not pile up
  GpuPool gpus_{VisibleGpus()};            ///< the GPUs local jobs holding `gpu` are given
  ResourcePool pool_{gpus_.size()};
  uint64_t config_version_ = 0;  ///< of the slots and limits pool_ has
  EtaEstimator eta_;
  std::vector<PendingResult> pending_;
  std::string storage_problem_;  ///< "" while the store takes writes
  bool probing_ = false;         ///< the problem was cleared untested
  int storage_faults_ = 0;       ///< pauses since the store last took a write
  std::chrono::steady_clock::time_point retry_at_;
  std::string last_event_;
  int finished_since_report_ = 0;
  std::atomic<int> finished_here_{0};
  long loops_ = 0;
  std::unique_lock<std::mutex> lock_{mutex_, std::defer_lock};
};

Scheduler::Scheduler(ResultStore& store, SchedulerOptions options)
    : Scheduler(store, std::move(options), std::make_unique<RealJobRunner>(store)) {}

Scheduler::Scheduler(ResultStore& store, SchedulerOptions options, std::unique_ptr<JobRunner> owned)
    : Scheduler(store, std::move(options), *owned) {
  owned_runner_ = std::move(owned);
}

Scheduler::Scheduler(ResultStore& store, SchedulerOptions options, JobRunner& runner)
    : store_(store), options_(std::move(options)), runner_(runner), owner_(SelfOwner()) {
  config_.slots = std::max(1, options_.slots);
  config_.limits = options_.limits;
}

Scheduler::~Scheduler() = default;

void Scheduler::Reconfigure(int slots, const nlohmann::json& limits) {
  std::lock_guard lock(config_mutex_);
  config_.slots = std::max(1, slots);
  config_.limits = limits;
  ++config_version_;
}

std::optional<ResourceConfig> Scheduler::NewerConfig(uint64_t* version) {
  std::lock_guard lock(config_mutex_);
  if (*version == config_version_) return std::nullopt;
  *version = config_version_;
  return config_;
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
  if (runner_.AttemptRunning(job)) {
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
  if (adopted && runner_.AttemptLeftResult(job)) {
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
  while (!Tick()) WaitForNews();
  lock_.unlock();
  workers_.clear();  // joins
}

/// One look at the store and the workers; true when the loop is done.
bool Scheduler::LoopState::Tick() {
  JoinFinished();
  TakeNewConfig();
  try {
    ApplyCancels();
    if (!sweep_id_ && loops_++ % 10 == 0) Recover();  // the daemon adopts orphans
    if (!storage_problem_.empty()) RetryPending();
    const bool claimed_any = storage_problem_.empty() && ClaimWhileFree();
    return Finished(claimed_any);
  } catch (const std::exception& e) {
    // Nothing one job or one bad moment of the disk does may end the loop.
    Pause(e.what());
    ReportQuietly();
    return false;
  }
}

/// The slots and limits of labd's last SIGHUP, read under the scheduler's
/// mutex once per tick: the loop never reads what Reconfigure writes.
void Scheduler::LoopState::TakeNewConfig() {
  if (auto config = s_.NewerConfig(&config_version_)) pool_.Configure(std::move(*config));
}

/// Until a job ends or the poll interval passes (other processes' submits and cancels).
void Scheduler::LoopState::WaitForNews() {
  if (finished_since_report_ == 0) {
    changed_.wait_for(lock_, s_.options_.poll, [&] { return finished_since_report_ > 0; });
  }
  if (finished_since_report_ > 0) {
    finished_since_report_ = 0;
    ReportQuietly();
  }
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
  for (const auto& [id, r] : running_) p.running.push_back(r.job.name);
  p.event = last_event_;
  if (sweep_id_) {
    p.counts = s_.store_.Counts(*sweep_id_);
    p.eta_seconds =
        eta_.Estimate(s_.store_.CountsByKind(*sweep_id_, JobState::kQueued), pool_.slots())
            .value_or(-1);
  }
  on_progress_(p);
}

/// The key a finished job is stored under; "" when caching is off for it.
std::string Scheduler::LoopState::KeyFor(const JobRecord& job) {
  if (!s_.options_.use_cache || s_.store_.SweepNoCache(job.sweep_id)) return "";
  return s_.runner_.CacheKey(job);
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
      r.cancel->notify_all();  // a runner may wait on the flag instead of polling it
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
  while (!s_.draining_ && static_cast<int>(running_.size()) < pool_.slots()) {
    auto job = s_.store_.Claim({sweep_id_, root_.string(), s_.owner_,
                                [this](const JobRecord& j) { return pool_.Admit(j); }});
    if (!job) break;
    claimed_any = true;
    storage_faults_ = 0;  // the store takes writes
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
    } else if (s_.runner_.AttemptRunning(job)) {
      // An earlier attempt (another scheduler's) still runs there: never two at once.
      SettleLocked(
          Requeued(job, "waiting: an earlier attempt of this job still runs", kBusyRequeueDelay));
    } else if (const std::string why = pool_.NeverFits(job); !why.empty()) {
      SettleLocked(Failed(job, why));  // not answered from the cache: it can never run here
    } else {
      last_event_ = "started " + Label(job);
      Launch(job, false, key);
    }
  } catch (const std::exception& e) {
    Undo(job, e);
  }
  ReportQuietly();
}

/// A job that could not be started goes back to the queue (a storage fault:
/// nothing ran) or fails with the reason.
void Scheduler::LoopState::Undo(const JobRecord& job, const std::exception& e) {
  if (auto it = running_.find(job.id); it != running_.end()) {
    gpus_.Give(it->second.gpu_ids);
    running_.erase(it);
    pool_.Release(job);
  }
  const std::string why = std::string("could not start: ") + e.what();
  SettleLocked(IsStorageFault(e) ? Requeued(job, why) : Failed(job, why));
}

/// Settle from the loop, which holds the lock Settle takes when it has to wait.
void Scheduler::LoopState::SettleLocked(PendingResult result) {
  lock_.unlock();
  const std::string event = Settle(std::move(result));
  lock_.lock();
  last_event_ = event;
}

void Scheduler::LoopState::Launch(JobRecord job, bool attach, std::string cache_key) {
  pool_.Hold(job);
  RunningJob& slot = running_[job.id];
  slot.job = job;
  ExecutionEnvironment env = EnvironmentFor(job, slot);
  workers_[job.id] = std::jthread([this, job, env, cache_key, attach, cancel = slot.cancel] {
    Work(job, env, attach, cache_key, cancel);
  });
}

/// Where `job` runs: the shared stage, its GPUs, its dependencies' directories.
ExecutionEnvironment Scheduler::LoopState::EnvironmentFor(const JobRecord& job, RunningJob& slot) {
  ExecutionEnvironment env;
  env.stage_dir = root_ / ".stage";
  env.reuse_steps = s_.options_.use_cache && !s_.store_.SweepNoCache(job.sweep_id);
  env.cancel = slot.cancel.get();
  if (job.resources.contains("gpu") && !IsSlurmJob(job)) {
    slot.gpu_ids = gpus_.Take(static_cast<int>(std::ceil(job.resources["gpu"].get<double>())));
    // None known here (a limit set by hand): leave the job's view alone.
    if (!slot.gpu_ids.empty()) env.step_env["CUDA_VISIBLE_DEVICES"] = slot.gpu_ids;
  }
  for (int64_t dep : job.depends_on) {
    if (auto d = s_.store_.Job(dep)) env.dependency_dirs[d->name] = d->workdir;
  }
  return env;
}

/// A worker thread: runs (or waits for) the job, stores the outcome, reports.
void Scheduler::LoopState::Work(const JobRecord& job, const ExecutionEnvironment& env, bool attach,
                                const std::string& cache_key,
                                const std::shared_ptr<std::atomic<bool>>& cancel) {
  RunOutcome outcome = RunCaught(job, env, attach);
  if (outcome.completion.state == JobState::kDone) outcome.completion.cache_key = cache_key;
  const double wall_seconds = outcome.completion.wall_seconds;
  const std::string event = Settle(Resolve(job, std::move(outcome), cancel->load()));
  Ended(job, wall_seconds, event);
}

RunOutcome Scheduler::LoopState::RunCaught(const JobRecord& job, const ExecutionEnvironment& env,
                                           bool attach) {
  try {
    return s_.runner_.Run(job, env, attach);
  } catch (const std::exception& e) {
    RunOutcome failed;
    failed.completion.state = JobState::kFailed;
    failed.completion.error = std::string("labq: ") + e.what();
    return failed;
  }
}

/// What the store makes of an attempt: a lost one and a transient failure
/// go back to the queue, so does one labd's shutdown stopped; a cancelled
/// one is cancelled. A result that made it is kept, never run again.
PendingResult Scheduler::LoopState::Resolve(const JobRecord& job, RunOutcome outcome,
                                            bool cancelled) {
  const std::string attempt = std::to_string(job.attempts);
  if (outcome.lost) {
    return Requeued(job, "interrupted: its runner died without a result (attempt " + attempt + ")");
  }
  const JobCompletion& completion = outcome.completion;
  if (s_.options_.retry.ShouldRetry(job, completion, cancelled)) {
    return Requeued(job, "retrying after: " + completion.error,
                    s_.options_.retry.DelaySeconds(job.attempts));
  }
  if (cancelled && completion.state != JobState::kDone) {
    if (s_.interrupt_) return Requeued(job, "interrupted by labd shutdown");
    outcome.completion.state = JobState::kCancelled;
  }
  PendingResult result(job);
  result.completion = std::move(outcome.completion);
  return result;
}

/// A worker's last act: gives back what the job held and wakes the loop.
void Scheduler::LoopState::Ended(const JobRecord& job, double wall_seconds,
                                 const std::string& event) {
  std::lock_guard guard(mutex_);
  pool_.Release(job);
  if (auto it = running_.find(job.id); it != running_.end()) gpus_.Give(it->second.gpu_ids);
  running_.erase(job.id);
  finished_workers_.push_back(job.id);
  eta_.Record(job.kind, wall_seconds);
  last_event_ = event;
  ++finished_since_report_;
  changed_.notify_all();
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
  try {
    return Store(Failed(result.job, "its result could not be stored: " + why));
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
  storage_faults_ = 0;
  Report();
}

/// Stops claiming until a retry succeeds; called with the loop's mutex held.
void Scheduler::LoopState::Pause(const std::string& why) {
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
      kStorageBackoff.Delay(++storage_faults_));
  storage_problem_ = why;
  probing_ = false;
  retry_at_ = std::chrono::steady_clock::now() + delay;
  last_event_ = "paused, not claiming jobs: " + why + "; retrying in " +
                std::to_string(delay.count()) + " ms (" + std::to_string(pending_.size()) +
                " result(s) waiting to be stored)";
}

bool Scheduler::LoopState::Finished(bool claimed_any) {
  if (!running_.empty()) return false;
  // Results not stored yet are waited for, unless we are told to stop now;
  // a later labd adopts them from result.json.
  if (!pending_.empty() && !s_.interrupt_ && !s_.cancel_) return false;
  if (s_.draining_) return true;
  if (!sweep_id_ || claimed_any) return false;
  if (!storage_problem_.empty() || s_.store_.HasDelayedJobs(*sweep_id_)) return false;
  return !OthersRunSweep();
}

/// Whether another live runner (labd) took jobs of this sweep: they are waited for too.
bool Scheduler::LoopState::OthersRunSweep() {
  for (const auto& job : s_.store_.RunningJobs()) {
    if (job.sweep_id == *sweep_id_ && job.owner != s_.owner_ && OwnerAlive(job.owner)) return true;
  }
  return false;
}

}  // namespace labq
