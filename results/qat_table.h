#pragma once
/// The Part 2 comparison: FP baseline, pure 8-bit QAT, pure 4-bit QAT, nested
/// 8-bit and nested 4-bit (plus the q8 network cut naively to 4 bits, to show
/// what the nested training buys), each against the FP baseline.

#include <optional>
#include <string>
#include <vector>

#include "results/result_store.h"
#include "results/table.h"

namespace labq {

/// Where a job that succeeded lacks its row's accuracy, the cell is in
/// Table::missing.
Table BuildQatTable(ResultStore& store, std::optional<int64_t> sweep_id);
/// The metric names the table reads from qat and pretrain jobs: each one
/// labqat writes (results/dpu_table_test.cc) and a kind in jobs/ declares
/// (jobs/kind_metrics_test.cc).
std::vector<std::string> QatTableMetrics();

}  // namespace labq
