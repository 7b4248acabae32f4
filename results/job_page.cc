#include "results/job_page.h"

#include <algorithm>
#include <map>

#include "results/sweep_lookup.h"

namespace labq {

std::vector<JobSummary> QueryJobPage(sql::Database& db, const JobPageQuery& query) {
  // Two statements rather than "(? = '' OR state = ?)", which would keep
  // SQLite from using the (sweep_id, state) index for a filtered page (its
  // entries are in id order within a state: no sort, and OFFSET skips index
  // entries). Unfiltered, find the page's first id by skipping `offset`
  // entries of the (sweep_id) index, also in id order and far smaller than
  // table rows, then read `limit` rows from there in id order (`+sweep_id`
  // keeps the planner from handing over the whole sweep to sort).
  const std::string columns =
      "SELECT id, name, kind, state, attempts, wall_seconds, started_at, finished_at, "
      "substr(error, 1, 300) FROM jobs WHERE ";
  const std::string sql =
      !query.state
          ? columns +
                "+sweep_id = ?1 AND id >= (SELECT id FROM jobs WHERE sweep_id = ?1 ORDER BY id "
                "LIMIT 1 OFFSET ?3) ORDER BY id LIMIT ?2"
          : columns + "sweep_id = ?1 AND state = ?4 ORDER BY id LIMIT ?2 OFFSET ?3";
  sql::Statement q(db, sql);
  q.Bind(1, query.sweep_id).Bind(2, query.limit).Bind(3, query.offset);
  if (query.state) q.Bind(4, ToString(*query.state));
  std::vector<JobSummary> out;
  while (q.Step()) {
    JobSummary s;
    s.id = q.Int(0);
    s.name = q.Text(1);
    s.kind = q.Text(2);
    s.state = StoredJobState(q.Text(3));
    s.attempts = static_cast<int>(q.Int(4));
    s.wall_seconds = q.Double(5);
    s.started_at = q.Text(6);
    s.finished_at = q.Text(7);
    s.error = q.Text(8);
    s.error = s.error.substr(0, s.error.find('\n'));
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

/// Mean wall time per kind over the sweep's last `sample` done jobs (the
/// (sweep_id, state) index hands them over newest first: no scan).
std::map<std::string, double> RecentMeanWall(sql::Database& db, int64_t sweep_id, int sample,
                                             double* overall) {
  sql::Statement q(db,
                   "SELECT kind, AVG(wall_seconds), COUNT(*) FROM (SELECT kind, wall_seconds FROM "
                   "jobs WHERE sweep_id = ? AND state = 'done' ORDER BY id DESC LIMIT ?) GROUP BY "
                   "kind");
  q.Bind(1, sweep_id).Bind(2, sample);
  std::map<std::string, double> mean;
  double total = 0;
  int64_t n = 0;
  while (q.Step()) {
    mean[q.Text(0)] = q.Double(1);
    total += q.Double(1) * static_cast<double>(q.Int(2));
    n += q.Int(2);
  }
  *overall = n ? total / static_cast<double>(n) : -1;
  return mean;
}

}  // namespace

SweepProgress QuerySweepProgress(sql::Database& db, int64_t sweep_id) {
  // Counts from the covering (sweep_id, state) index: no table rows read.
  // One range count per state costs about half a GROUP BY state, which
  // compares the state text of every entry (5 ms for 20,000 jobs).
  sql::Statement q(db, "SELECT COUNT(*) FROM jobs WHERE sweep_id = ? AND state = ?");
  SweepProgress p;
  for (const JobState state : AllJobStates()) {
    q.Bind(1, sweep_id).Bind(2, ToString(state));
    q.Step();
    if (const int n = static_cast<int>(q.Int(0)); n > 0) {
      p.counts.by_state[state] = n;
      p.counts.total += n;
    }
    q.Reset();
  }
  const int left = p.counts.CountIf([](JobState s) { return !IsFinal(s); });
  if (left == 0) {
    p.eta_seconds = 0;
    return p;
  }
  if (p.counts.Count(JobState::kDone) == 0) return p;  // nothing measured yet
  double overall = -1;
  const auto mean = RecentMeanWall(db, sweep_id, 500, &overall);
  double work = 0;
  if (left > 10000) {
    // Reading every queued row for its kind would cost more than the page;
    // assume the rest is like the recent mix.
    work = left * overall;
  } else {
    static const std::string kSql =
        "SELECT kind, COUNT(*) FROM jobs WHERE sweep_id = ? AND state IN (" +
        SqlStateList([](JobState s) { return !IsFinal(s); }) + ") GROUP BY kind";
    sql::Statement k(db, kSql);
    k.Bind(1, sweep_id);
    while (k.Step()) {
      auto it = mean.find(k.Text(0));
      if (it == mean.end()) return p;  // a kind with work left has no finished job yet
      work += static_cast<double>(k.Int(1)) * it->second;
    }
  }
  p.eta_seconds = work / std::max(1, p.counts.Count(JobState::kRunning));
  return p;
}

std::optional<SweepInfo> QuerySweepHeader(sql::Database& db, const std::string& name_or_id) {
  const auto id = FindSweepId(db, name_or_id);
  if (!id) return std::nullopt;
  auto found = ReadSweeps(db, "s.id = CAST(?1 AS INTEGER)", std::to_string(*id), false);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

}  // namespace labq
