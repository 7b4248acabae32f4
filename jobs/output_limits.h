#pragma once
/// What one job's output may put in the results database. A job that goes
/// past a limit fails on its own; it never takes the scheduler down with it.

#include <cstddef>

namespace labq {

/// A metric name is a short identifier-like label, shown in tables and CSV headers.
inline constexpr size_t kMaxMetricNameLength = 128;
/// A unit ("ns", "uW", "count") is shorter still.
inline constexpr size_t kMaxMetricUnitLength = 32;
/// One `labq-metric` line; longer lines are not metrics a person meant to print.
inline constexpr size_t kMaxMetricLineLength = 4096;
/// Metrics one job may store.
inline constexpr size_t kMaxMetricsPerJob = 10000;

}  // namespace labq
