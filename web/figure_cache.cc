#include "web/figure_cache.h"

#include "results/job_state.h"

namespace labq::web {

std::string FigureFingerprint(sql::Database& db, int64_t sweep_id) {
  static const std::string kSql =
      "SELECT (SELECT created_at FROM sweeps WHERE id = ?1), COUNT(*), SUM(state IN (" +
      SqlStateList(IsSuccess) + ")), SUM(state IN (" +
      SqlStateList([](JobState s) { return IsFinal(s) && !IsSuccess(s); }) +
      ")), MAX(finished_at), SUM(attempts) FROM jobs WHERE sweep_id = ?1";
  sql::Statement q(db, kSql);
  q.Bind(1, sweep_id);
  q.Step();
  std::string out = q.Text(0);
  for (int column : {1, 2, 3}) out += "|" + std::to_string(q.Int(column));
  return out + "|" + q.Text(4) + "|" + std::to_string(q.Int(5));
}

std::optional<std::string> FigureCache::Find(int64_t sweep_id, const std::string& kind,
                                             const std::string& fingerprint) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find({sweep_id, kind});
  if (it == entries_.end() || it->second.fingerprint != fingerprint) return std::nullopt;
  return it->second.svg;
}

void FigureCache::Store(int64_t sweep_id, const std::string& kind, const std::string& fingerprint,
                        std::string svg) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_ && !entries_.count({sweep_id, kind})) entries_.clear();
  entries_[{sweep_id, kind}] = {fingerprint, std::move(svg)};
}

}  // namespace labq::web
