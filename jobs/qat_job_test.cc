#include "jobs/qat_job.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sweep/param_schema.h"

namespace labq {
namespace {

TEST(QatKind, TheSchemaIsBuiltFromTheStructsDefaults) {
  const QatKind kind;
  nlohmann::json params = SchemaDefaults(kind.Params());
  params["mode"] = "nested";
  const QatParams read = QatParams::From(params);
  const QatParams defaults;
  EXPECT_EQ(read.epochs, defaults.epochs);
  EXPECT_EQ(read.k, defaults.k);
  EXPECT_EQ(read.w8, defaults.w8);
  EXPECT_EQ(read.rule, defaults.rule);
  EXPECT_EQ(read.trainer.dataset, defaults.trainer.dataset);
  EXPECT_EQ(read.trainer.lr, std::nullopt);
  EXPECT_EQ(read.trainer.timeout_s, defaults.trainer.timeout_s);
  // Stored as the YAML would write them: 7200 an integer, w8 a float.
  EXPECT_TRUE(params["timeout_s"].is_number_integer());
  EXPECT_TRUE(params["w8"].is_number_float());
  // Every trainer key is a parameter of the kind.
  for (const auto& key : TrainerParams::Keys()) EXPECT_TRUE(params.contains(key)) << key;
}

TEST(QatKind, AMissingKeyIsAJobFailedNamingIt) {
  const QatKind kind;
  nlohmann::json params = SchemaDefaults(kind.Params());
  params["mode"] = "q4";
  params.erase("per_channel");
  try {
    QatParams::From(params);
    FAIL() << "no error";
  } catch (const JobFailed& e) {
    EXPECT_EQ(std::string(e.what()), "parameter 'per_channel' is missing from the job");
  }
  params["per_channel"] = "yes";
  EXPECT_THROW(QatParams::From(params), JobFailed);
  params["per_channel"] = true;
  params["k"] = "search";
  EXPECT_EQ(QatParams::From(params).k, std::nullopt);
  params["lr"] = 0.05;
  EXPECT_EQ(QatParams::From(params).trainer.lr, 0.05);
}

TEST(QatKind, EveryFinalMetricIsDeclaredWithItsUnit) {
  // A final line with every field labqat's FinalLine can write.
  const std::string text =
      R"({"type":"final","mode":"nested","model":"cnn","dataset":"fashion-mnist","acc_fp":90.1,)"
      R"("acc8":89.5,"acc4":88.2,"acc4_recal":87.0,"k":[2,2],"k_search":"fixed",)"
      R"("rule":"truncate","bn":"switchable","per_channel":false,"w8":1.0,"w4":1.0,)"
      R"("distill":0.0,"epochs":2,"loss":0.3,"train_seconds":12.5,"images_per_s":900.1,)"
      R"("train_images":60000,"test_images":10000,"threads":2,"seed":1,"device":"cpu",)"
      R"("amp":false,"cuda_graph":false,"weights":"final.pt"})";
  const JobOutput out = ParseLabqatOutput(text, "labqat.stdout");
  ASSERT_FALSE(out.metrics.empty());
  const auto& declared = QatMetrics();
  for (const auto& m : out.metrics) {
    auto it = std::find_if(declared.begin(), declared.end(),
                           [&](const MetricSpec& d) { return d.name == m.name; });
    ASSERT_NE(it, declared.end()) << m.name << " is written but not declared";
    EXPECT_EQ(it->unit, m.unit) << m.name;
  }
  EXPECT_EQ(out.metrics.size(), declared.size());
}

}  // namespace
}  // namespace labq
