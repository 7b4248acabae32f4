#include "jobs/metric_lines.h"

#include <gtest/gtest.h>

#include "jobs/output_limits.h"

namespace labq {
namespace {

std::string FailureOf(const std::string& text) {
  try {
    ParseMetricLines(text, "command.stdout");
  } catch (const JobFailed& e) {
    return e.what();
  }
  return "(no failure)";
}

TEST(MetricLines, ParsesNameValueAndUnit) {
  auto parsed = ParseMetricLines("hello\nlabq-metric area 12.5 um^2\nlabq-metric n 3\n", "out");
  ASSERT_EQ(parsed.metrics.size(), 2u);
  EXPECT_EQ(parsed.metrics[0].name, "area");
  EXPECT_EQ(parsed.metrics[0].value, 12.5);
  EXPECT_EQ(parsed.metrics[0].unit, "um^2");
  EXPECT_EQ(parsed.metrics[1].unit, "");
  EXPECT_TRUE(parsed.warnings.empty());
}

/// Finding 1: these aborted labd at commit (NOT NULL / UNIQUE constraint).
TEST(MetricLines, PoisonValuesFailTheJobNamingTheLine) {
  EXPECT_EQ(FailureOf("x\nlabq-metric x nan\n"),
            "command.stdout:2: metric x is not a finite number (nan)");
  EXPECT_EQ(FailureOf("labq-metric x -inf\n"),
            "command.stdout:1: metric x is not a finite number (-inf)");
  EXPECT_EQ(FailureOf("labq-metric x 1e309\n"),
            "command.stdout:1: metric x: '1e309' is not a number");
  EXPECT_EQ(FailureOf("labq-metric a 1\n\nlabq-metric a 2\n"),
            "command.stdout:3: metric a given again (first on line 1)");
  EXPECT_EQ(FailureOf("labq-metric " + std::string(kMaxMetricNameLength + 1, 'n') + " 1\n"),
            "command.stdout:1: metric name is 129 characters, more than 128");
  EXPECT_EQ(FailureOf("labq-metric x 1 " + std::string(kMaxMetricLineLength, 'u') + "\n"),
            "command.stdout:1: labq-metric line is longer than 4096 characters");
}

TEST(MetricLines, EndlessOtherLinesAreSkippedNotStored) {
  const std::string noise(10 * kMaxMetricLineLength, 'z');
  auto parsed = ParseMetricLines(noise + "\nlabq-metric ok 1\n" + noise, "out");
  ASSERT_EQ(parsed.metrics.size(), 1u);
  EXPECT_EQ(parsed.metrics[0].name, "ok");
}

/// Finding 8: a value-less line was dropped without a word.
TEST(MetricLines, MalformedLinesBecomeWarnings) {
  auto parsed = ParseMetricLines("labq-metric lonely\nlabq-metric a 1 u extra\nlabq-metrics x 1\n",
                                 "command.stdout");
  EXPECT_TRUE(parsed.metrics.empty());
  ASSERT_EQ(parsed.warnings.size(), 2u);
  EXPECT_EQ(parsed.warnings[0],
            "command.stdout:1: ignored: expected 'labq-metric NAME VALUE [UNIT]', got 1 field(s)");
  EXPECT_EQ(parsed.warnings[1].substr(0, 17), "command.stdout:2:");
}

TEST(MetricLines, CheckMetricsRejectsWhatTheStoreCannotHold) {
  EXPECT_NO_THROW(CheckMetrics({{"a", 1, ""}, {"b", 2, "ns"}}));
  EXPECT_THROW(CheckMetrics({{"a", 1, ""}, {"a", 2, ""}}), JobFailed);
  EXPECT_THROW(CheckMetrics({{"a", std::numeric_limits<double>::quiet_NaN(), ""}}), JobFailed);
}

}  // namespace
}  // namespace labq
