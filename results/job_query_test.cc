#include "results/job_query.h"

#include <gtest/gtest.h>

#include "results/result_store.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

/// Two sweeps of a verify job and a synth job after it; the first finished.
struct TwoSweeps {
  testing::TempDir tmp;
  ResultStore store{(tmp.path() / "r.db").string()};
  int64_t first = 0, second = 0;

  TwoSweeps() {
    Sweep s;
    s.name = "dpu";
    s.jobs = {{"a.verify", "sim", "g", {{"n", 8}}, {}},
              {"a.synth", "synth", "g", {{"n", 8}, {"mode", "full"}}, {"a.verify"}}};
    first = store.AddSweep(s);
    second = store.AddSweep(s);
    for (int i = 0; i < 2; ++i) {
      auto job = store.ClaimRunnable(first, "/w");
      JobCompletion done;
      done.state = JobState::kDone;
      done.metrics = {{"area", 100.0 + i, "um^2"}, {"slack", 0.5, "ns"}};
      done.texts = {{"period_source", "sweep"}, {"flow", "yosys-sta"}};
      EXPECT_TRUE(store.FinishJob(job->id, done));
    }
  }
};

TEST(JobQuery, RowsFollowTheFilterInIdOrder) {
  TwoSweeps t;
  const auto all = t.store.JobRows({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_LT(all[0].id, all[3].id);
  const auto synth = t.store.JobRows({t.first, std::nullopt, "synth"});
  ASSERT_EQ(synth.size(), 1u);
  EXPECT_EQ(synth[0].name, "a.synth");
  EXPECT_EQ(synth[0].sweep_name, "dpu");
  EXPECT_EQ(synth[0].state, JobState::kDone);
  EXPECT_EQ(synth[0].params.value("mode", ""), "full");
  EXPECT_EQ(t.store.JobRows({std::nullopt, JobState::kQueued, ""}).size(), 2u);
  EXPECT_EQ(t.store.JobRows({t.second, JobState::kDone, ""}).size(), 0u);
}

TEST(JobQuery, ExtraColumnsMatchTheOneJobReads) {
  TwoSweeps t;
  const auto rows = t.store.JobRows({std::nullopt, std::nullopt, "synth"},
                                    {{"area", "missing"}, {"period_source", "flow"}, "sim", {}});
  ASSERT_EQ(rows.size(), 2u);
  const JobRow& done = rows[0];
  ASSERT_EQ(done.state, JobState::kDone);
  ASSERT_EQ(done.metrics.size(), 2u);
  for (const auto& m : t.store.Metrics(done.id)) {
    if (m.name == "area") {
      EXPECT_EQ(done.metrics[0], m.value);
    }
  }
  EXPECT_FALSE(done.metrics[1]);  // no metric of that name
  EXPECT_EQ(done.texts.at(0), t.store.Texts(done.id).at("period_source"));
  EXPECT_EQ(done.texts.at(1), "yosys-sta");
  EXPECT_EQ(done.dependency_state, JobState::kDone);  // its verify job
  const JobRow& queued = rows[1];
  EXPECT_EQ(queued.state, JobState::kQueued);
  EXPECT_FALSE(queued.metrics[0]);
  EXPECT_FALSE(queued.texts[0]);
  EXPECT_EQ(queued.dependency_state, JobState::kQueued);
  // A kind no dependency has; no extra columns asked for: none read.
  EXPECT_FALSE(
      t.store.JobRows({t.first, std::nullopt, "synth"}, {{}, {}, "qat", {}})[0].dependency_state);
  EXPECT_TRUE(t.store.JobRows({t.first, std::nullopt, ""})[0].metrics.empty());
}

TEST(JobQuery, SelectedParamsHoldOnlyThoseKeysTheJobHas) {
  TwoSweeps t;
  const auto rows =
      t.store.JobRows({t.first, std::nullopt, "synth"}, {{}, {}, "", {"mode", "liberty"}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].params, nlohmann::json({{"mode", "full"}}));
  EXPECT_EQ(t.store.JobRows({t.first, std::nullopt, "synth"})[0].params,
            nlohmann::json({{"n", 8}, {"mode", "full"}}));
  // None of the keys: an empty object, which params.value() still reads.
  EXPECT_EQ(t.store.JobRows({t.first, std::nullopt, "synth"}, {{}, {}, "", {"x"}})[0].params,
            nlohmann::json::object());
}

TEST(JobQuery, ALongListReadOnTwoConnectionsGetsEveryValueInItsRow) {
  // Over 2,000 jobs the values are read by a second connection in parallel
  // (job_query.cc): each must still land in its own job's row.
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  Sweep s;
  s.name = "long";
  for (int i = 0; i < 2100; ++i)
    s.jobs.push_back({"j" + std::to_string(i), "command", "g", {}, {}});
  const int64_t sweep = store.AddSweep(s);
  for (int i = 0; i < 2000; ++i) {  // the last 100 stay queued
    auto job = store.ClaimRunnable(sweep, "/w");
    JobCompletion done;
    done.state = JobState::kDone;
    done.metrics = {{"twice", 2.0 * static_cast<double>(job->id), ""}, {"other", 1, ""}};
    done.texts = {{"name", job->name}};
    ASSERT_TRUE(store.FinishJob(job->id, done));
  }
  const auto rows = store.JobRows({sweep, std::nullopt, ""}, {{"twice"}, {"name"}, "", {}});
  ASSERT_EQ(rows.size(), 2100u);
  int finished = 0;
  for (const auto& row : rows) {
    if (row.state != JobState::kDone) {
      EXPECT_FALSE(row.metrics[0]) << row.name;
      EXPECT_FALSE(row.texts[0]) << row.name;
      continue;
    }
    ++finished;
    EXPECT_EQ(row.metrics[0], 2.0 * static_cast<double>(row.id)) << row.name;
    EXPECT_EQ(row.texts[0], row.name);
  }
  EXPECT_EQ(finished, 2000);
}

}  // namespace
}  // namespace labq
