/// ResultStore's sweep bookkeeping for people: the details `labq sweeps`
/// lists, tags, notes, reused names and removal. Kept apart from the queue
/// and result code in result_store.cc.

#include "common/error.h"
#include "results/result_store.h"
#include "results/sweep_lookup.h"

namespace labq {

std::vector<SweepInfo> ResultStore::SweepDetails() { return SweepDetailsWhere("1", {}); }

std::vector<SweepInfo> ResultStore::SweepDetailsWhere(const std::string& where,
                                                      const std::optional<std::string>& key,
                                                      bool wall_time) {
  std::lock_guard lock(mutex_);
  return ReadSweeps(db_, where, key, wall_time);
}

// `--sweep NAME` resolves through here on every command: one sweep's row,
// not every sweep's, and no wall time (a read of every job of the sweep).
std::vector<SweepInfo> ResultStore::SweepsNamed(const std::string& name) {
  return SweepDetailsWhere("s.name = ?1", name, /*wall_time=*/false);
}

std::optional<SweepInfo> ResultStore::SweepById(int64_t id) {
  auto found = SweepDetailsWhere("s.id = CAST(?1 AS INTEGER)", std::to_string(id));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::string ResultStore::SweepSource(int64_t sweep_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT source FROM sweeps WHERE id = ?");
  q.Bind(1, sweep_id);
  return q.Step() ? q.Text(0) : std::string();
}

void ResultStore::SetSweepNote(int64_t sweep_id, const std::string& note) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "UPDATE sweeps SET note = ? WHERE id = ?");
  q.Bind(1, note).Bind(2, sweep_id).Run();
}

bool ResultStore::TagSweep(int64_t sweep_id, const std::string& tag, bool remove) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, remove ? "DELETE FROM sweep_tags WHERE sweep_id = ? AND tag = ?"
                               : "INSERT OR IGNORE INTO sweep_tags(sweep_id, tag) VALUES (?, ?)");
  q.Bind(1, sweep_id).Bind(2, tag).Run();
  return db_.Changes() > 0;
}

void ResultStore::RemoveSweep(int64_t sweep_id) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(db_);
  sql::Statement running(db_, "SELECT COUNT(*) FROM jobs WHERE sweep_id = ? AND state = 'running'");
  running.Bind(1, sweep_id);
  running.Step();
  if (const int64_t n = running.Int(0); n > 0) {
    throw Error("sweep " + std::to_string(sweep_id) + " has " + std::to_string(n) +
                " running job(s); cancel it first (labq cancel --sweep-id " +
                std::to_string(sweep_id) + ")");
  }
  running.Reset();
  // Its own constant: a literal split over two lines inside the array reads
  // to clang (-Wstring-concatenation) like a missing comma.
  static constexpr char kDeleteDeps[] =
      "DELETE FROM job_deps WHERE job_id IN (SELECT id FROM jobs WHERE sweep_id = ?1) OR "
      "depends_on IN (SELECT id FROM jobs WHERE sweep_id = ?1)";
  const char* kDeletes[] = {
      "DELETE FROM metrics WHERE job_id IN (SELECT id FROM jobs WHERE sweep_id = ?1)",
      "DELETE FROM job_texts WHERE job_id IN (SELECT id FROM jobs WHERE sweep_id = ?1)",
      kDeleteDeps,
      "DELETE FROM jobs WHERE sweep_id = ?1",
      "DELETE FROM sweep_tags WHERE sweep_id = ?1",
      "DELETE FROM sweeps WHERE id = ?1",
  };
  for (const char* text : kDeletes) {
    sql::Statement q(db_, text);
    q.Bind(1, sweep_id).Run();
  }
  tx.Commit();
}

std::vector<JobRecord> ResultStore::JobsNamed(const std::string& name) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, "SELECT id FROM jobs WHERE name = ? ORDER BY id DESC");
  q.Bind(1, name);
  std::vector<int64_t> ids;
  while (q.Step()) ids.push_back(q.Int(0));
  std::vector<JobRecord> out;
  for (int64_t id : ids) {
    if (auto job = JobLocked(id)) out.push_back(std::move(*job));
  }
  return out;
}

}  // namespace labq
