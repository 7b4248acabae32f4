#pragma once
/// The results database: sweeps, their jobs (the durable queue), job
/// dependencies, and each job's metrics with units. A job's metrics and its
/// final state are written in one transaction, so a crash never leaves a
/// `done` job without results or results under a job that is not done.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "results/job_query.h"
#include "results/job_state.h"
#include "results/sqlite.h"
#include "sweep/job_spec.h"

namespace labq {

struct SweepRecord {
  int64_t id = 0;
  std::string name;
  std::string file;
  std::string created_at;
};

/// A sweep as `labq sweeps` shows it.
struct SweepInfo {
  int64_t id = 0;
  std::string name;
  std::string file;
  std::string created_at;
  std::string description;
  std::string note;
  std::vector<std::string> tags;
  double wall_seconds = 0;  ///< first job start to last job end
};

struct MetricRecord {
  std::string name;
  double value = 0;
  std::string unit;
};

struct JobRecord {
  int64_t id = 0;
  int64_t sweep_id = 0;
  std::string sweep_name;
  std::string name;
  std::string kind;
  std::string group;
  nlohmann::json params;
  /// queued, running, done, cached, failed, timeout (a step or the SLURM job
  /// ran past its limit), skipped (a dependency did not finish), cancelled.
  JobState state = JobState::kQueued;
  int attempts = 0;
  std::string workdir;
  nlohmann::json argv = nlohmann::json::array();  ///< list of step argv lists
  std::optional<int64_t> exit_status;
  std::optional<int64_t> signal;
  std::string error;
  std::string started_at;
  std::string finished_at;
  double wall_seconds = 0;
  std::vector<int64_t> depends_on;
  nlohmann::json resources = nlohmann::json::object();
  std::string owner;           ///< "pid:start-time" of the labq/labd process running it
  std::optional<int64_t> pid;  ///< process group of the step running now
  bool cancel_requested = false;
  std::string cache_key;
  std::optional<int64_t> cached_from;
  nlohmann::json sweep_limits = nlohmann::json::object();
  nlohmann::json executor = nlohmann::json::object();  ///< {} local, or {"type": "slurm", ...}
  std::string external_id;                             ///< the SLURM job id while it runs there
  int crashes = 0;  ///< runners in a row that died while this job was theirs
};

/// What a scheduler asks for when it has a free slot.
struct ClaimRequest {
  std::optional<int64_t> sweep_id;  ///< nullopt: any sweep (the daemon)
  std::string workdir_root;
  std::string owner;
  /// Resource check: may this job start now? (null = yes)
  std::function<bool(const JobRecord&)> admit;
};

/// What a finished attempt leaves behind.
struct JobCompletion {
  /// done, failed, timeout or cancelled; a completion says it succeeded.
  JobState state = JobState::kFailed;
  nlohmann::json argv = nlohmann::json::array();
  std::optional<int64_t> exit_status;
  std::optional<int64_t> signal;
  std::string error;
  double wall_seconds = 0;
  std::vector<MetricRecord> metrics;
  std::map<std::string, std::string> texts;
  std::string cache_key;   ///< stored so identical later jobs can reuse this result
  bool transient = false;  ///< a failure worth retrying (not stored)
};

struct SweepCounts {
  std::map<JobState, int> by_state;  ///< no entry for a state without jobs
  int total = 0;
  int Count(JobState state) const {
    auto it = by_state.find(state);
    return it == by_state.end() ? 0 : it->second;
  }
  /// Jobs in the states `keep` accepts (IsSuccess, IsFailure, ...).
  int CountIf(bool (*keep)(JobState)) const {
    int n = 0;
    for (JobState s : AllJobStates()) n += keep(s) ? Count(s) : 0;
    return n;
  }
  /// No job is queued or running.
  bool Finished() const {
    return CountIf([](JobState s) { return !IsFinal(s); }) == 0;
  }
};

class ResultStore {
 public:
  /// Opens or creates the database and migrates it to the current schema.
  explicit ResultStore(const std::string& path);
  /// Opens an existing database for reading only (labq jobs, show, table,
  /// export, status, logs, watch): never creates, migrates or writes it, and
  /// leaves no -wal/-shm files its owner could not use. Throws labq::Error
  /// naming the path when it is missing or of another schema version.
  static std::unique_ptr<ResultStore> OpenReadOnly(const std::string& path);

  static int SchemaVersion();
  const std::string& path() const { return db_.path(); }

  /// Stores a sweep and queues its jobs; returns the sweep id.
  int64_t AddSweep(const Sweep& sweep, bool no_cache = false);

  /// Atomically takes one queued job of `sweep_id` whose dependencies are all
  /// done, marks it running (attempt + 1) and returns it. First marks jobs
  /// whose dependency failed as skipped, with the reason.
  std::optional<JobRecord> ClaimRunnable(int64_t sweep_id, const std::string& workdir_root);
  /// The general form: highest priority first, skipping jobs `admit` refuses.
  std::optional<JobRecord> Claim(const ClaimRequest& request);
  /// Commits a job's final state with its metrics. With `attempt`, only if
  /// the job is still running that attempt: a result is committed once, by
  /// whoever gets there first. Returns false (nothing written) otherwise.
  bool FinishJob(int64_t job_id, const JobCompletion& completion,
                 std::optional<int> attempt = std::nullopt);
  /// Counts one more runner that died while the job was its; returns the count.
  int RecordCrash(int64_t job_id);
  /// Puts a job back in the queue (interrupted, or a transient failure to
  /// retry after `delay_seconds`). The next claim counts a new attempt.
  void Requeue(int64_t job_id, const std::string& reason, double delay_seconds = 0);
  /// Records the id an external executor (SLURM) gave the running job.
  void SetExternalId(int64_t job_id, const std::string& external_id);
  /// Takes over a running job from a dead owner (compare-and-set on owner).
  bool Adopt(int64_t job_id, const std::string& old_owner, const std::string& owner);
  /// Records the process group of the running step (for crash recovery).
  void SetPid(int64_t job_id, int64_t pid);
  /// Queued jobs become cancelled at once; running ones get a request the
  /// scheduler that owns them acts on. Returns how many jobs were touched.
  int RequestCancel(std::optional<int64_t> sweep_id, std::optional<int64_t> job_id);
  std::vector<int64_t> CancelRequests();
  /// Failed/cancelled/skipped jobs (one, or all of a sweep) go back to the queue.
  int Retry(std::optional<int64_t> sweep_id, std::optional<int64_t> job_id);
  std::vector<JobRecord> RunningJobs();
  std::optional<int64_t> FindCacheHit(const std::string& cache_key);
  /// Records `job_id` as answered by the stored result of `from_job_id`.
  void MarkCached(int64_t job_id, int64_t from_job_id, const std::string& cache_key);
  bool SweepNoCache(int64_t sweep_id);
  /// Queued jobs waiting out a retry backoff.
  bool HasDelayedJobs(int64_t sweep_id);

  std::vector<SweepRecord> Sweeps();
  /// By id ("12") or name (the latest sweep of that name). nullopt if none.
  std::optional<SweepRecord> FindSweep(const std::string& name_or_id);
  std::vector<JobRecord> Jobs(std::optional<int64_t> sweep_id = std::nullopt,
                              std::optional<JobState> state = std::nullopt);
  std::optional<JobRecord> Job(int64_t id);
  /// By id, or by name within `sweep_id` (or the latest job of that name).
  std::optional<JobRecord> FindJob(const std::string& name_or_id,
                                   std::optional<int64_t> sweep_id = std::nullopt);
  std::vector<MetricRecord> Metrics(int64_t job_id);

  /// The matching jobs in id order with what lists and tables show, and
  /// `extra` metrics, texts and a dependency's state, in one query
  /// (results/job_query.cc).
  std::vector<JobRow> JobRows(const JobFilter& filter, const JobColumns& extra = {});
  std::map<std::string, std::string> Texts(int64_t job_id);
  SweepCounts Counts(int64_t sweep_id);

  // Sweep bookkeeping for people (results/sweep_admin.cc).
  /// Every sweep with description, note, tags and wall time, oldest first.
  std::vector<SweepInfo> SweepDetails();
  /// Every sweep called `name` (a reused name gives several), oldest first,
  /// for resolving a name: wall_seconds is left 0, as computing it reads
  /// every job of the sweep (27 ms for a sweep of 20,000 jobs).
  std::vector<SweepInfo> SweepsNamed(const std::string& name);
  std::optional<SweepInfo> SweepById(int64_t id);
  /// The sweep file's text as it was submitted ("" when none was stored).
  std::string SweepSource(int64_t sweep_id);
  void SetSweepNote(int64_t sweep_id, const std::string& note);
  /// Adds (or with `remove`, drops) a tag; returns whether anything changed.
  bool TagSweep(int64_t sweep_id, const std::string& tag, bool remove = false);
  /// Deletes the sweep with its jobs, dependencies, metrics and texts in one
  /// transaction. Refuses (labq::Error) while a job of it is running.
  void RemoveSweep(int64_t sweep_id);
  /// Jobs called `name` in any sweep, newest first.
  std::vector<JobRecord> JobsNamed(const std::string& name);
  /// Jobs of a sweep in `state`, counted per kind (for ETAs).
  std::map<std::string, int> CountsByKind(int64_t sweep_id, JobState state);
  /// SQLite's work on this store so far (sql::Database::VmSteps), for tests
  /// that a claim costs the same however long the queue and the history.
  int64_t VmSteps();

 private:
  ResultStore(const std::string& path, sql::Access access);
  void Migrate();
  void RequireCurrentSchema();
  JobRecord ReadJob(sql::Statement& row);
  /// ReadJob with the caller's prepared dependency query (one per listing).
  JobRecord ReadJob(sql::Statement& row, sql::Statement& deps);
  /// SweepDetails restricted by `where` (a term on s, binding ?1 to `key`).
  std::vector<SweepInfo> SweepDetailsWhere(const std::string& where,
                                           const std::optional<std::string>& key,
                                           bool wall_time = true);
  std::optional<JobRecord> JobLocked(int64_t id);
  int SkipBlocked(std::optional<int64_t> sweep_id);

  std::mutex mutex_;
  sql::Database db_;
};

}  // namespace labq
