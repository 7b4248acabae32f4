#include "results/job_page.h"

#include <algorithm>
#include <map>

namespace labq {

const std::vector<std::string>& AllJobStates() {
  static const std::vector<std::string> kStates = {"queued", "running", "done",    "cached",
                                                   "failed", "timeout", "skipped", "cancelled"};
  return kStates;
}

bool IsJobState(const std::string& state) {
  const auto& states = AllJobStates();
  return std::find(states.begin(), states.end(), state) != states.end();
}

bool IsTerminalJobState(const std::string& state) {
  return IsJobState(state) && state != "queued" && state != "running";
}

std::vector<JobSummary> QueryJobPage(sql::Database& db, const JobPageQuery& query) {
  // Two statements rather than "(? = '' OR state = ?)", which would keep
  // SQLite from using the (sweep_id, state) index for a filtered page.
  const std::string columns =
      "SELECT id, name, kind, state, attempts, wall_seconds, started_at, finished_at, "
      "substr(error, 1, 300) FROM jobs WHERE sweep_id = ?1";
  const std::string sql =
      columns + (query.state.empty() ? "" : " AND state = ?4") + " ORDER BY id LIMIT ?2 OFFSET ?3";
  sql::Statement q(db, sql);
  q.Bind(1, query.sweep_id).Bind(2, query.limit).Bind(3, query.offset);
  if (!query.state.empty()) q.Bind(4, query.state);
  std::vector<JobSummary> out;
  while (q.Step()) {
    JobSummary s;
    s.id = q.Int(0);
    s.name = q.Text(1);
    s.kind = q.Text(2);
    s.state = q.Text(3);
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

SweepProgress QuerySweepProgress(sql::Database& db, int64_t sweep_id) {
  sql::Statement q(db,
                   "SELECT kind, state, COUNT(*), AVG(wall_seconds) FROM jobs WHERE sweep_id = ? "
                   "GROUP BY kind, state");
  q.Bind(1, sweep_id);
  struct KindTally {
    int left = 0;
    int finished = 0;
    double mean_wall = 0;
  };
  std::map<std::string, KindTally> kinds;
  SweepProgress p;
  while (q.Step()) {
    const std::string state = q.Text(1);
    const int n = static_cast<int>(q.Int(2));
    p.counts.by_state[state] += n;
    p.counts.total += n;
    auto& k = kinds[q.Text(0)];
    if (state == "queued" || state == "running") k.left += n;
    if (state == "done") {
      k.finished = n;
      k.mean_wall = q.Double(3);
    }
  }
  double work = 0;
  for (const auto& [kind, k] : kinds) {
    if (k.left == 0) continue;
    if (k.finished == 0) return p;  // unknown yet
    work += k.left * k.mean_wall;
  }
  p.eta_seconds = work / std::max(1, p.counts.Count("running"));
  return p;
}

std::optional<SweepInfo> QuerySweepHeader(sql::Database& db, const std::string& name_or_id) {
  sql::Statement q(db,
                   "SELECT id, name, file, created_at, description, note FROM sweeps WHERE name = "
                   "?1 OR CAST(id AS TEXT) = ?1 ORDER BY (CAST(id AS TEXT) = ?1) DESC, id DESC "
                   "LIMIT 1");
  q.Bind(1, name_or_id);
  if (!q.Step()) return std::nullopt;
  SweepInfo s;
  s.id = q.Int(0);
  s.name = q.Text(1);
  s.file = q.Text(2);
  s.created_at = q.Text(3);
  s.description = q.Text(4);
  s.note = q.Text(5);
  sql::Statement tags(db, "SELECT tag FROM sweep_tags WHERE sweep_id = ? ORDER BY tag");
  tags.Bind(1, s.id);
  while (tags.Step()) s.tags.push_back(tags.Text(0));
  return s;
}

}  // namespace labq
