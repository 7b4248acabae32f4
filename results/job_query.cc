/// ResultStore::JobRows (results/job_query.h): a whole list in three range
/// reads, however many jobs it has:
///   1. the jobs (one row each, with the dependency's state);
///   2. their metrics, 3. their texts: every row of each job's (job_id, name)
///      key range, picked by name here. Measured on bench/query_scale's
///      10,000-job sweep, one range scan per job reads the 136,000 metric
///      rows in a third of the time of nine primary-key seeks per job (one
///      correlated subquery per column), and filtering names in SQL
///      (`name IN (...)`) turns the scan back into seeks.
/// Each filter is a plain `column = ?` term, never `(? IS NULL OR ...)`, so
/// SQLite can use the jobs_by_sweep, jobs_by_state and jobs_by_kind indexes.

#include "results/job_query.h"

#include <algorithm>
#include <future>
#include <string_view>
#include <type_traits>

#include "common/error.h"
#include "results/json_pick.h"
#include "results/result_store.h"

namespace labq {
namespace {

/// Parameter numbers: ?1 sweep, ?2 state, ?3 kind, ?4 dependency kind.
std::string Where(const JobFilter& filter) {
  std::string sql = " WHERE 1";
  if (filter.sweep_id) sql += " AND j.sweep_id = ?1";
  if (filter.state) sql += " AND j.state = ?2";
  if (!filter.kind.empty()) sql += " AND j.kind = ?3";
  return sql;
}

void BindFilter(sql::Statement& q, const JobFilter& filter) {
  if (filter.sweep_id) q.Bind(1, *filter.sweep_id);
  if (filter.state) q.Bind(2, ToString(*filter.state));
  if (!filter.kind.empty()) q.Bind(3, filter.kind);
}

std::string JobsSql(const JobFilter& filter, const JobColumns& extra) {
  std::string sql =
      "SELECT j.id, j.sweep_id, s.name, j.name, j.kind, j.state, j.attempts, j.wall_seconds, "
      "j.error, j.params";
  if (!extra.dependency_kind.empty()) {
    sql +=
        ", (SELECT d.state FROM job_deps jd JOIN jobs d ON d.id = jd.depends_on WHERE jd.job_id "
        "= j.id AND d.kind = ?4 ORDER BY jd.depends_on LIMIT 1)";
  }
  // No ORDER BY: the index SQLite walks (jobs_by_kind: kind, sweep, id)
  // hands the rows over nearly sorted, and sorting here spares the SQLite
  // sorter a copy of every row (15 ms of a table of every sweep's 11,200).
  return sql + " FROM jobs j JOIN sweeps s ON s.id = j.sweep_id" + Where(filter);
}

/// The whole params document, or only the keys asked for.
nlohmann::json Params(std::string_view text, const std::vector<std::string>& keys) {
  if (!keys.empty()) {
    try {
      return PickKeys(text, keys);
    } catch (const std::exception&) {
      // Not the plain object PickKeys reads: json::parse says what is wrong.
    }
  }
  auto all = nlohmann::json::parse(text);
  if (keys.empty() || !all.is_object()) return all;
  nlohmann::json picked = nlohmann::json::object();
  for (const auto& key : keys) {
    if (auto it = all.find(key); it != all.end()) picked[key] = std::move(*it);
  }
  return picked;
}

std::vector<JobRow> ReadJobs(sql::Database& db, const JobFilter& filter, const JobColumns& extra) {
  sql::Statement q(db, JobsSql(filter, extra));
  BindFilter(q, filter);
  if (!extra.dependency_kind.empty()) q.Bind(4, extra.dependency_kind);
  std::vector<JobRow> out;
  while (q.Step()) {
    JobRow& r = out.emplace_back();
    r.id = q.Int(0);
    r.sweep_id = q.Int(1);
    r.sweep_name = q.Text(2);
    r.name = q.Text(3);
    r.kind = q.Text(4);
    r.state = StoredJobState(q.Text(5));
    r.attempts = static_cast<int>(q.Int(6));
    r.wall_seconds = q.Double(7);
    r.error = q.Text(8);
    r.params = Params(q.TextView(9), extra.params);
    r.metrics.resize(extra.metrics.size());
    r.texts.resize(extra.texts.size());
    if (!extra.dependency_kind.empty() && !q.IsNull(10))
      r.dependency_state = StoredJobState(q.Text(10));
  }
  auto by_id = [](const JobRow& a, const JobRow& b) { return a.id < b.id; };
  if (!std::is_sorted(out.begin(), out.end(), by_id)) std::sort(out.begin(), out.end(), by_id);
  return out;
}

/// Index of `name` in `names`, or -1.
int Position(const std::vector<std::string>& names, std::string_view name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

/// One wanted value of one job, as read before it is put in its row.
template <typename T>
struct Value {
  int64_t job_id;
  int position;  ///< in JobColumns::metrics or ::texts
  T value;
};

/// The listed jobs' values of `names` from `table` (metrics or job_texts):
/// every row of each job's (job_id, name) range, kept when the name is wanted.
template <typename T>
std::vector<Value<T>> ReadValues(sql::Database& db, const JobFilter& filter,
                                 const std::string& table, const std::vector<std::string>& names) {
  std::vector<Value<T>> out;
  if (names.empty()) return out;
  sql::Statement q(db, "SELECT v.job_id, v.name, v.value FROM jobs j JOIN " + table +
                           " v ON v.job_id = j.id" + Where(filter));
  BindFilter(q, filter);
  while (q.Step()) {
    const int position = Position(names, q.TextView(1));
    if (position < 0) continue;
    if constexpr (std::is_same_v<T, double>) {
      out.push_back({q.Int(0), position, q.Double(2)});
    } else {
      out.push_back({q.Int(0), position, q.Text(2)});
    }
  }
  return out;
}

/// Both value tables of the list, read on `db`.
struct ValueReads {
  std::vector<Value<double>> metrics;
  std::vector<Value<std::string>> texts;
};

ValueReads ReadAllValues(sql::Database& db, const JobFilter& filter, const JobColumns& extra) {
  return {ReadValues<double>(db, filter, "metrics", extra.metrics),
          ReadValues<std::string>(db, filter, "job_texts", extra.texts)};
}

/// Puts each value in its job's row (`slot`: JobRow::metrics or ::texts).
/// Values arrive grouped by job and `rows` is in id order, so a job's row is
/// found once by binary search.
template <typename T>
void Merge(std::vector<Value<T>>& values, std::vector<JobRow>& rows,
           std::vector<std::optional<T>> JobRow::*slot) {
  JobRow* row = nullptr;
  for (auto& v : values) {
    if (!row || row->id != v.job_id) {
      auto it = std::lower_bound(rows.begin(), rows.end(), v.job_id,
                                 [](const JobRow& r, int64_t id) { return r.id < id; });
      row = it != rows.end() && it->id == v.job_id ? &*it : nullptr;
    }
    if (row) (row->*slot)[v.position] = std::move(v.value);
  }
}

/// From how many jobs the values are read on a second connection while this
/// one reads the jobs: on bench/query_scale's 10,000-job sweep the two reads
/// take 80 and 100 ms one after the other; below this the connection's
/// opening and the thread cost more than they save.
constexpr int64_t kParallelJobs = 2000;

int64_t CountJobs(sql::Database& db, const JobFilter& filter) {
  sql::Statement q(db, "SELECT COUNT(*) FROM jobs j" + Where(filter));
  BindFilter(q, filter);
  q.Step();
  return q.Int(0);
}

/// BEGIN on construction, COMMIT on destruction: one snapshot for a read.
class ReadTransaction {
 public:
  explicit ReadTransaction(sql::Database& db) : db_(db) { db_.Exec("BEGIN"); }
  ~ReadTransaction() {
    try {
      db_.Exec("COMMIT");
    } catch (const std::exception&) {  // a read has nothing to lose
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  sql::Database& db_;
};

}  // namespace

std::vector<JobRow> ResultStore::JobRows(const JobFilter& filter, const JobColumns& extra) {
  std::lock_guard lock(mutex_);
  ReadTransaction snapshot(db_);  // its first read below fixes what this list sees
  std::future<ValueReads> later;
  const bool wants_values = !extra.metrics.empty() || !extra.texts.empty();
  if (wants_values && CountJobs(db_, filter) >= kParallelJobs) {
    // Started after this connection's snapshot, so the second one sees at
    // least as much: a job this list shows done has its values there. (A job
    // that finishes in between may bring values to a row still shown
    // running; the tables show values of finished jobs only.)
    later = std::async(std::launch::async, [path = db_.path(), &filter, &extra] {
      sql::Database reader(path, sql::Access::kReadOnly);
      ReadTransaction same(reader);
      return ReadAllValues(reader, filter, extra);
    });
  }
  auto rows = ReadJobs(db_, filter, extra);
  auto values = later.valid() ? later.get() : ReadAllValues(db_, filter, extra);
  Merge(values.metrics, rows, &JobRow::metrics);
  Merge(values.texts, rows, &JobRow::texts);
  return rows;
}

}  // namespace labq
