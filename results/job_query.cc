/// ResultStore::JobRows (results/job_query.h): one statement for a whole
/// list. Each filter becomes a plain `column = ?` term, never `(? IS NULL OR
/// ...)`, so SQLite can use the jobs_by_sweep, jobs_by_state and
/// jobs_by_kind indexes; each metric or text is a lookup in its table's
/// primary key (job_id, name), as a hand-written pivot would do.

#include "results/job_query.h"

#include "results/result_store.h"

namespace labq {
namespace {

constexpr int kFixedColumns = 10;

/// Parameter numbers: ?1 sweep, ?2 state, ?3 kind, ?4 dependency kind, then
/// the metric names, then the text names, then the params paths.
constexpr int kFirstName = 5;

std::string Sql(const JobFilter& filter, const JobColumns& extra) {
  std::string sql =
      "SELECT j.id, j.sweep_id, s.name, j.name, j.kind, j.state, j.attempts, j.wall_seconds, "
      "j.error, ";
  sql += extra.params.empty() ? "j.params" : "NULL";
  int param = kFirstName;
  for (size_t i = 0; i < extra.metrics.size(); ++i) {
    sql += ", (SELECT value FROM metrics WHERE job_id = j.id AND name = ?" +
           std::to_string(param++) + ")";
  }
  for (size_t i = 0; i < extra.texts.size(); ++i) {
    sql += ", (SELECT value FROM job_texts WHERE job_id = j.id AND name = ?" +
           std::to_string(param++) + ")";
  }
  for (size_t i = 0; i < extra.params.size(); ++i) {
    sql += ", j.params -> ?" + std::to_string(param++);
  }
  if (!extra.dependency_kind.empty()) {
    sql +=
        ", (SELECT d.state FROM job_deps jd JOIN jobs d ON d.id = jd.depends_on WHERE jd.job_id "
        "= j.id AND d.kind = ?4 ORDER BY jd.depends_on LIMIT 1)";
  }
  sql += " FROM jobs j JOIN sweeps s ON s.id = j.sweep_id WHERE 1";
  if (filter.sweep_id) sql += " AND j.sweep_id = ?1";
  if (!filter.state.empty()) sql += " AND j.state = ?2";
  if (!filter.kind.empty()) sql += " AND j.kind = ?3";
  return sql + " ORDER BY j.id";
}

void Bind(sql::Statement& q, const JobFilter& filter, const JobColumns& extra) {
  if (filter.sweep_id) q.Bind(1, *filter.sweep_id);
  if (!filter.state.empty()) q.Bind(2, filter.state);
  if (!filter.kind.empty()) q.Bind(3, filter.kind);
  if (!extra.dependency_kind.empty()) q.Bind(4, extra.dependency_kind);
  int param = kFirstName;
  for (const auto& name : extra.metrics) q.Bind(param++, name);
  for (const auto& name : extra.texts) q.Bind(param++, name);
  for (const auto& key : extra.params) q.Bind(param++, "$." + key);
}

}  // namespace

std::vector<JobRow> ResultStore::JobRows(const JobFilter& filter, const JobColumns& extra) {
  std::lock_guard lock(mutex_);
  sql::Statement q(db_, Sql(filter, extra));
  Bind(q, filter, extra);
  std::vector<JobRow> out;
  while (q.Step()) {
    JobRow& r = out.emplace_back();
    r.id = q.Int(0);
    r.sweep_id = q.Int(1);
    r.sweep_name = q.Text(2);
    r.name = q.Text(3);
    r.kind = q.Text(4);
    r.state = q.Text(5);
    r.attempts = static_cast<int>(q.Int(6));
    r.wall_seconds = q.Double(7);
    r.error = q.Text(8);
    r.params = extra.params.empty() ? nlohmann::json::parse(q.Text(9)) : nlohmann::json::object();
    int column = kFixedColumns;
    for (size_t i = 0; i < extra.metrics.size(); ++i, ++column) {
      r.metrics.push_back(q.IsNull(column) ? std::nullopt : std::optional(q.Double(column)));
    }
    for (size_t i = 0; i < extra.texts.size(); ++i, ++column) {
      r.texts.push_back(q.IsNull(column) ? std::nullopt : std::optional(q.Text(column)));
    }
    for (const auto& key : extra.params) {
      if (!q.IsNull(column)) r.params[key] = nlohmann::json::parse(q.Text(column));
      ++column;
    }
    if (!extra.dependency_kind.empty() && !q.IsNull(column)) r.dependency_state = q.Text(column);
  }
  return out;
}

}  // namespace labq
