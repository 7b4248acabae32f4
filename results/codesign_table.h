#pragma once
/// The co-design table: the lab's two parts joined. One row per hw_eval job
/// (a trained network run on one DPU configuration's arithmetic) with its
/// accuracy beside the OPS/W and OPS/mm2 the network gets from the DPU the
/// synthesis job built, the energy one inference costs on it, and whether the
/// row is on the accuracy-vs-OPS/W Pareto front of its sweep.
///
/// The network's OPS/W is the DPU's times its utilization: a DPU cycle is 2N
/// operations, but the network only uses the MACs it needs. Zero padding (a
/// K = 9 conv on N = 128) and unsigned-split's second call per chunk (positive
/// and negative weights) spend a cycle's energy on no useful MAC. Comparing
/// the DPU's own OPS/W across formats would rank a design that needs twice
/// the calls as high as one that needs half.

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
/// The share of the DPU's multipliers doing a MAC the network needs:
/// macs_per_image / (dpu_calls_per_image x N). 1 when every call is full and
/// useful; unsigned-split is at most 1/2 (two calls per chunk). nullopt when
/// the calls or N are not positive.
std::optional<double> Utilization(double macs_per_image, double calls_per_image, int n);

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
