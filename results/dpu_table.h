#pragma once
/// The Part 1 table: one row per synthesized DPU configuration, with the
/// verification verdict beside the timing, area, power and efficiency.

#include <optional>

#include "results/result_store.h"
#include "results/table.h"

namespace labq {

/// Rows for the synth jobs of `sweep_id` (all sweeps when unset), in job order.
Table BuildDpuTable(ResultStore& store, std::optional<int64_t> sweep_id);

/// The metric names the table reads from synth jobs (each declared by a kind
/// in jobs/; jobs/kind_metrics_test.cc checks).
const std::vector<std::string>& DpuTableMetrics();

}  // namespace labq
