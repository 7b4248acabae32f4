#include "results/sweep_lookup.h"

#include <algorithm>
#include <cctype>

namespace labq {
namespace {

constexpr const char* kSweepColumns = "s.id, s.name, s.file, s.created_at, s.description, s.note, ";
constexpr const char* kSweepWallTime =
    "COALESCE((SELECT (julianday(MAX(NULLIF(j.finished_at, ''))) - "
    "julianday(MIN(NULLIF(j.started_at, '')))) * 86400 FROM jobs j WHERE j.sweep_id = s.id), 0)";

/// Fills each sweep's tags (sorted) with one prepared statement.
void ReadSweepTags(sql::Database& db, std::vector<SweepInfo>& sweeps) {
  sql::Statement tags(db, "SELECT tag FROM sweep_tags WHERE sweep_id = ? ORDER BY tag");
  for (auto& sweep : sweeps) {
    tags.Bind(1, sweep.id);
    while (tags.Step()) sweep.tags.push_back(tags.Text(0));
    tags.Reset();
  }
}

/// How SQLite prints an id: digits, no sign, no leading zero; short enough
/// for int64_t.
bool IsCanonicalId(const std::string& text) {
  return !text.empty() && text.size() <= 18 && (text == "0" || text[0] != '0') &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::optional<int64_t> FindSweepId(sql::Database& db, const std::string& name_or_id) {
  if (IsCanonicalId(name_or_id)) {
    sql::Statement by_id(db, "SELECT id FROM sweeps WHERE id = ?");
    by_id.Bind(1, static_cast<int64_t>(std::stoll(name_or_id)));
    if (by_id.Step()) return by_id.Int(0);
  }
  sql::Statement by_name(db, "SELECT id FROM sweeps WHERE name = ? ORDER BY id DESC LIMIT 1");
  by_name.Bind(1, name_or_id);
  if (by_name.Step()) return by_name.Int(0);
  return std::nullopt;
}

std::vector<SweepInfo> ReadSweeps(sql::Database& db, const std::string& where,
                                  const std::optional<std::string>& key, bool wall_time) {
  sql::Statement q(db, std::string("SELECT ") + kSweepColumns + (wall_time ? kSweepWallTime : "0") +
                           " FROM sweeps s WHERE " + where + " ORDER BY id");
  if (key) q.Bind(1, *key);
  std::vector<SweepInfo> out;
  while (q.Step()) {
    out.push_back({q.Int(0),
                   q.Text(1),
                   q.Text(2),
                   q.Text(3),
                   q.Text(4),
                   q.Text(5),
                   {},
                   q.IsNull(6) ? 0 : std::max(0.0, q.Double(6))});
  }
  ReadSweepTags(db, out);
  return out;
}

}  // namespace labq
