#pragma once
/// The co-design table: the lab's two parts joined. One row per hw_eval job
/// (a trained network run on one DPU configuration's arithmetic) with its
/// accuracy beside the OPS/W and OPS/mm2 of the synthesis job that built that
/// DPU, the energy one inference costs on it, and whether the row is on the
/// accuracy-vs-OPS/W Pareto front of its sweep.

#include <optional>
#include <string>
#include <vector>

#include "results/result_store.h"
#include "results/table.h"

namespace labq {

/// Rows for the hw_eval jobs of `sweep_id` (all sweeps when unset), in job
/// order. Where a job that succeeded lacks a metric (the hw_eval job's, or
/// its synthesis job's), the cell is in Table::missing.
Table BuildCodesignTable(ResultStore& store, std::optional<int64_t> sweep_id);

/// Energy of one inference in pJ: 2 operations per MAC at `ops_per_w`
/// operations per joule; nullopt when OPS/W is not positive.
std::optional<double> EnergyPerInferencePj(double macs_per_image, double ops_per_w);
/// What the DPU itself spends on one inference, in pJ: every call is one
/// cycle of an N-element DPU, 2N operations at `ops_per_w`, whatever share
/// of it is zero padding (a K = 9 conv on N = 128) or the second call of
/// unsigned-split. nullopt when OPS/W is not positive.
std::optional<double> DpuEnergyPerInferencePj(double calls_per_image, int n, double ops_per_w);

/// Whether each point (accuracy, OPS/W) is on the Pareto front of the
/// points given: no other point is at least as good in both and better in
/// one. nullopt points take no part and get nullopt.
std::vector<std::optional<bool>> ParetoFront(
    const std::vector<std::optional<std::pair<double, double>>>& points);

/// The metric names the table reads from hw_eval jobs: each one hweval
/// writes (metric::kHwEvalWritten) and the hw_eval kind declares
/// (jobs/kind_metrics_test.cc). From synth jobs it reads ops_per_w and
/// ops_per_mm2, which the DPU table reads too.
std::vector<std::string> CodesignTableMetrics();

}  // namespace labq
