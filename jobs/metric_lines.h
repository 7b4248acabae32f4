#pragma once
/// Parses `labq-metric NAME VALUE [UNIT]` lines from a command job's stdout.
/// Values that the store cannot hold faithfully (NaN, infinities, a name seen
/// twice, a name or line past jobs/output_limits.h) fail the job with the line
/// number; lines that only look like metric lines are kept as warnings.

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/job_kind.h"

namespace labq {

struct MetricLines {
  std::vector<Metric> metrics;
  std::vector<std::string> warnings;  ///< "command.stdout:7: ..." per malformed line
};

/// `file` names the output in messages. Throws JobFailed for a poison line.
MetricLines ParseMetricLines(std::istream& in, const std::string& file);
MetricLines ParseMetricLines(std::string_view text, const std::string& file);

/// The same checks for metrics any job kind produced (parsed reports): throws
/// JobFailed naming the metric.
void CheckMetrics(const std::vector<Metric>& metrics);

}  // namespace labq
