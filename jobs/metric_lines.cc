#include "jobs/metric_lines.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>

#include "common/text.h"
#include "jobs/output_limits.h"

namespace labq {
namespace {

constexpr std::string_view kPrefix = "labq-metric";

std::string Where(const std::string& file, size_t line) {
  return file + ":" + std::to_string(line) + ": ";
}

/// Throws for what a store must never hold; `where` prefixes the message.
void CheckMetric(const Metric& m, const std::string& where) {
  if (m.name.empty()) throw JobFailed(where + "metric with an empty name");
  if (m.name.size() > kMaxMetricNameLength) {
    throw JobFailed(where + "metric name is " + std::to_string(m.name.size()) +
                    " characters, more than " + std::to_string(kMaxMetricNameLength));
  }
  if (m.unit.size() > kMaxMetricUnitLength) {
    throw JobFailed(where + "metric " + m.name + ": unit is longer than " +
                    std::to_string(kMaxMetricUnitLength) + " characters");
  }
  if (!std::isfinite(m.value)) {
    throw JobFailed(where + "metric " + m.name + " is not a finite number (" +
                    std::to_string(m.value) + ")");
  }
}

/// One line that starts with the prefix: a metric, a warning, or a JobFailed.
void ParseLine(std::string_view line, const std::string& where, size_t number,
               std::map<std::string, size_t>& seen, MetricLines& out) {
  const auto fields = SplitWhitespace(line);
  if (fields.empty() || fields[0] != kPrefix) return;  // "labq-metrics ..." is not ours
  if (fields.size() < 3 || fields.size() > 4) {
    out.warnings.push_back(where + "ignored: expected 'labq-metric NAME VALUE [UNIT]', got " +
                           std::to_string(fields.size() - 1) + " field(s)");
    return;
  }
  const auto value = ParseDouble(fields[2]);
  if (!value) {
    throw JobFailed(where + "metric " + fields[1] + ": '" + fields[2] + "' is not a number");
  }
  Metric metric{fields[1], *value, fields.size() > 3 ? fields[3] : ""};
  CheckMetric(metric, where);
  if (auto [it, fresh] = seen.emplace(metric.name, number); !fresh) {
    throw JobFailed(where + "metric " + metric.name + " given again (first on line " +
                    std::to_string(it->second) + ")");
  }
  if (out.metrics.size() == kMaxMetricsPerJob) {
    throw JobFailed(where + "more than " + std::to_string(kMaxMetricsPerJob) + " metrics");
  }
  out.metrics.push_back(std::move(metric));
}

}  // namespace

MetricLines ParseMetricLines(std::istream& in, const std::string& file) {
  MetricLines out;
  std::map<std::string, size_t> seen;  // name -> line it was first given on
  // A line is read into a bounded buffer: a job printing one endless line
  // costs its parser no more memory than a metric line may take.
  std::string buffer(kMaxMetricLineLength + 2, '\0');
  for (size_t number = 1;
       in.getline(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0;
       ++number) {
    const bool truncated = in.fail() && !in.eof();
    const std::string_view line(buffer.data(), std::strlen(buffer.data()));
    if (truncated) {
      in.clear();
      in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    const std::string where = Where(file, number);
    if (truncated || line.size() > kMaxMetricLineLength) {
      throw JobFailed(where + "labq-metric line is longer than " +
                      std::to_string(kMaxMetricLineLength) + " characters");
    }
    ParseLine(line, where, number, seen, out);
  }
  return out;
}

MetricLines ParseMetricLines(std::string_view text, const std::string& file) {
  std::istringstream in{std::string(text)};
  return ParseMetricLines(in, file);
}

void CheckMetrics(const std::vector<Metric>& metrics) {
  if (metrics.size() > kMaxMetricsPerJob) {
    throw JobFailed(std::to_string(metrics.size()) + " metrics, more than " +
                    std::to_string(kMaxMetricsPerJob));
  }
  std::map<std::string, int> seen;
  for (const auto& m : metrics) {
    CheckMetric(m, "");
    if (++seen[m.name] == 2) throw JobFailed("metric " + m.name + " given twice");
  }
}

}  // namespace labq
