#pragma once
/// How a sweep named on a command line or in a URL ("12" or "lab2") is
/// found, and how its details are read: one definition for ResultStore and
/// the dashboard's header query (results/job_page.cc), so they cannot disagree.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/result_store.h"
#include "results/sqlite.h"

namespace labq {

/// The sweep with id `name_or_id` when that is an id in canonical decimal
/// ("12", not "012") of an existing sweep; else the latest sweep of that
/// name; nullopt when neither exists. A rowid lookup and a name lookup,
/// rather than one `name = ? OR CAST(id AS TEXT) = ?` that casts every row.
std::optional<int64_t> FindSweepId(sql::Database& db, const std::string& name_or_id);

/// The sweeps `where` keeps (a term on `s`, binding ?1 to `key`), oldest
/// first, with description, note and tags. `wall_time` also computes each
/// one's first start to last end: a read of every job of the sweep.
std::vector<SweepInfo> ReadSweeps(sql::Database& db, const std::string& where,
                                  const std::optional<std::string>& key, bool wall_time);

}  // namespace labq
