/// The kinds declare the metrics they write (JobKind::Metrics); the results
/// tables (below jobs/ in cmake/layers.txt, so they cannot ask the kinds)
/// read names of their own. Every name a table reads must be declared by the
/// kind whose jobs it reads, or the table would show an empty column.

#include <gtest/gtest.h>

#include <algorithm>

#include "jobs/dpu_kind.h"
#include "jobs/kind_registry.h"
#include "results/codesign_table.h"
#include "results/dpu_table.h"
#include "results/qat_table.h"
#include "sweep/param_schema.h"

namespace labq {
namespace {

bool Declares(const std::string& kind, const std::string& metric) {
  const JobKind* job_kind = FindJobKind(kind);
  if (!job_kind) {
    ADD_FAILURE() << "no job kind " << kind;
    return false;
  }
  const auto metrics = job_kind->Metrics();
  return std::any_of(metrics.begin(), metrics.end(),
                     [&](const MetricSpec& m) { return m.name == metric; });
}

TEST(KindMetrics, EveryMetricTheDpuTableReadsIsDeclaredBySynth) {
  ASSERT_FALSE(DpuTableMetrics().empty());
  for (const auto& name : DpuTableMetrics()) EXPECT_TRUE(Declares("synth", name)) << name;
  ASSERT_FALSE(DpuBreakdownMetrics().empty());
  for (const auto& name : DpuBreakdownMetrics()) EXPECT_TRUE(Declares("synth", name)) << name;
}

TEST(KindMetrics, EveryMetricTheQatTableReadsIsDeclaredByQatAndPretrain) {
  ASSERT_FALSE(QatTableMetrics().empty());
  for (const auto& name : QatTableMetrics()) {
    EXPECT_TRUE(Declares("qat", name)) << name;
    EXPECT_TRUE(Declares("pretrain", name)) << name;
  }
}

TEST(KindMetrics, EveryMetricTheCodesignTableReadsIsDeclaredByHwEval) {
  ASSERT_FALSE(CodesignTableMetrics().empty());
  for (const auto& name : CodesignTableMetrics()) EXPECT_TRUE(Declares("hw_eval", name)) << name;
}

TEST(KindMetrics, AnUndeclaredNameIsCaught) {
  // The check above can fail: a misspelt name is not declared.
  EXPECT_FALSE(Declares("synth", "power_totl"));
  EXPECT_FALSE(Declares("qat", "acc_4"));
}

TEST(KindMetrics, TheBuiltinKindsAreOneTable) {
  EXPECT_EQ(BuiltinKinds().Names(),
            (std::vector<std::string>{"command", "dpu", "qat", "hw_eval", "sim", "synth"}));
  for (const char* name :
       {"command", "sim", "synth", "pretrain", "qat", "hw_eval", "synth_probe"}) {
    EXPECT_NE(FindJobKind(name), nullptr) << name;
  }
  EXPECT_EQ(FindJobKind("dpu"), nullptr);  // a group kind only: it expands into sim + synth
}

TEST(DpuKind, ParamsComeFromTheStructsDefaultsAndAMissingKeyIsNamed) {
  nlohmann::json params = SchemaDefaults(DpuParamSpecs());
  params["n"] = 4;
  params["mode"] = "msb";
  const DpuParams read = DpuParams::From(params);
  const DpuParams defaults;
  EXPECT_EQ(read.liberty, defaults.liberty);
  EXPECT_EQ(read.flow, defaults.flow);
  EXPECT_EQ(read.random_vectors, defaults.random_vectors);
  EXPECT_EQ(read.clock_period_ns, std::nullopt);
  EXPECT_EQ(read.clock_source, ClockSource::kAuto);
  EXPECT_EQ(read.lab_clock_ns, defaults.lab_clock_ns);
  EXPECT_EQ(read.toggle_rate, std::nullopt);
  EXPECT_EQ(read.timeout_s, defaults.timeout_s);
  EXPECT_TRUE(params["timeout_s"].is_number_integer());
  EXPECT_EQ(read.Design().ModuleName(), "DotProductUnit_4_msb");
  params.erase("simulator");
  try {
    DpuParams::From(params);
    FAIL() << "no error";
  } catch (const JobFailed& e) {
    EXPECT_EQ(std::string(e.what()), "parameter 'simulator' is missing from the job");
  }
}

}  // namespace
}  // namespace labq
