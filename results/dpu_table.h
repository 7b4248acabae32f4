#pragma once
/// The Part 1 table: one row per synthesized DPU configuration, with the
/// verification verdict beside the timing, area, power and efficiency.

#include <optional>
#include <string>
#include <vector>

#include "results/result_store.h"
#include "results/table.h"

namespace labq {

/// Rows for the synth jobs of `sweep_id` (all sweeps when unset), in job order.
/// Where a job that succeeded lacks a metric, the cell is in Table::missing.
Table BuildDpuTable(ResultStore& store, std::optional<int64_t> sweep_id);
/// The metric names the table reads from synth jobs: each one both flows
/// write (results/dpu_table_test.cc) and the synth kind declares
/// (jobs/kind_metrics_test.cc).
const std::vector<std::string>& DpuTableMetrics();

}  // namespace labq
