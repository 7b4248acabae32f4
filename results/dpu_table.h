#pragma once
/// The Part 1 table: one row per synthesized DPU configuration, with the
/// verification verdict beside the timing, area, power and efficiency.

#include <optional>
#include <string>
#include <vector>

#include "results/result_store.h"
#include "results/table.h"

namespace labq {

struct DpuTableOptions {
  /// Adds flops, comb_cells, power_seq_mW, power_comb_mW and each row's
  /// deltas (d_...) against the `full` row of its comparison: the same sweep,
  /// N, input widths, liberty, flow, clock and activity. Counts and the power
  /// split as differences (they add up to the total's change), total power
  /// and area in percent.
  bool breakdown = false;
};

/// Rows for the synth jobs of `sweep_id` (all sweeps when unset), in job order.
/// Where a job that succeeded lacks a metric, the cell is in Table::missing.
Table BuildDpuTable(ResultStore& store, std::optional<int64_t> sweep_id,
                    const DpuTableOptions& options = {});
/// The metric names the table reads from synth jobs: each one both flows
/// write (results/dpu_table_test.cc) and the synth kind declares
/// (jobs/kind_metrics_test.cc).
const std::vector<std::string>& DpuTableMetrics();
/// Those --breakdown adds: declared by the synth kind too; a flow whose
/// reports lack one (Genus's legacy power table has no cell classes) leaves
/// it out and the table says n/a.
const std::vector<std::string>& DpuBreakdownMetrics();

}  // namespace labq
