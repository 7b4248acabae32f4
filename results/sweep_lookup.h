#pragma once
/// How a sweep named on a command line or in a URL ("12" or "lab2") is
/// found, and how its tags are read: one definition for ResultStore and the
/// dashboard's header query (results/job_page.cc), so they cannot disagree.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "results/result_store.h"
#include "results/sqlite.h"

namespace labq {

/// The sweep with id `name_or_id` when that is an id in canonical decimal
/// ("12", not "012") of an existing sweep; else the latest sweep of that
/// name; nullopt when neither exists. A rowid lookup and a name lookup,
/// rather than one `name = ? OR CAST(id AS TEXT) = ?` that casts every row.
std::optional<int64_t> FindSweepId(sql::Database& db, const std::string& name_or_id);

/// Fills each sweep's tags (sorted) with one prepared statement.
void ReadSweepTags(sql::Database& db, std::span<SweepInfo> sweeps);

}  // namespace labq
