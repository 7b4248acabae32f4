#include "results/result_store.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

Sweep Chain() {
  Sweep s;
  s.name = "chain";
  s.jobs = {{"a", "sim", "g", {{"n", 1}}, {}},
            {"b", "synth", "g", {{"n", 1}}, {"a"}},
            {"c", "synth", "g", {{"n", 2}}, {"b"}},
            {"d", "sim", "g", {{"n", 3}}, {}}};
  return s;
}

TEST(ResultStore, ClaimsOnlyJobsWhoseDependenciesAreDone) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = store.AddSweep(Chain());
  auto first = store.ClaimRunnable(id, "/w");
  auto second = store.ClaimRunnable(id, "/w");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->name, "a");
  EXPECT_EQ(second->name, "d");
  EXPECT_EQ(first->state, JobState::kRunning);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(first->workdir, "/w/chain-" + std::to_string(id) + "/a");
  EXPECT_FALSE(store.ClaimRunnable(id, "/w"));  // b waits for a
  store.FinishJob(first->id, {JobState::kDone,
                              nlohmann::json::array(),
                              0,
                              std::nullopt,
                              "",
                              1.0,
                              {{"area", 12.5, "um^2"}},
                              {{"liberty", "osu018"}},
                              "",
                              false});
  auto third = store.ClaimRunnable(id, "/w");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->name, "b");
}

TEST(ResultStore, FailureSkipsTheWholeChainWithAReason) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = store.AddSweep(Chain());
  auto a = store.ClaimRunnable(id, "/w");
  JobCompletion failed;
  failed.state = JobState::kFailed;
  failed.error = "boom";
  store.FinishJob(a->id, failed);
  auto d = store.ClaimRunnable(id, "/w");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, "d");
  auto counts = store.Counts(id);
  EXPECT_EQ(counts.Count(JobState::kSkipped), 2);
  auto c = store.FindJob("c", id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, JobState::kSkipped);
  EXPECT_EQ(c->error, "dependency b did not finish");
}

TEST(ResultStore, MetricsAndStateSurviveReopening) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "r.db").string();
  int64_t job_id = 0;
  {
    ResultStore store(path);
    const int64_t id = store.AddSweep(Chain());
    auto a = store.ClaimRunnable(id, "/w");
    job_id = a->id;
    store.FinishJob(job_id, {JobState::kDone,
                             nlohmann::json::array({{"yosys", "-s", "synth.ys"}}),
                             0,
                             std::nullopt,
                             "",
                             2.5,
                             {{"power_total", 1e-3, "W"}},
                             {},
                             "",
                             false});
  }
  ResultStore reopened(path);
  auto job = reopened.Job(job_id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->state, JobState::kDone);
  EXPECT_EQ(job->argv[0][0], "yosys");
  auto metrics = reopened.Metrics(job_id);
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].name, "power_total");
  EXPECT_DOUBLE_EQ(metrics[0].value, 1e-3);
  EXPECT_EQ(metrics[0].unit, "W");
}

TEST(ResultStore, RetryReplacesEarlierMetrics) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = store.AddSweep(Chain());
  auto a = store.ClaimRunnable(id, "/w");
  store.FinishJob(
      a->id, {JobState::kFailed, {}, 1, std::nullopt, "x", 1, {{"m", 1, "count"}}, {}, "", false});
  store.FinishJob(
      a->id, {JobState::kDone, {}, 0, std::nullopt, "", 1, {{"m", 2, "count"}}, {}, "", false});
  auto metrics = store.Metrics(a->id);
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].value, 2);
}

TEST(ResultStore, FindsSweepsByNameOrId) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t first = store.AddSweep(Chain());
  const int64_t second = store.AddSweep(Chain());
  EXPECT_EQ(store.FindSweep("chain")->id, second);
  EXPECT_EQ(store.FindSweep(std::to_string(first))->id, first);
  EXPECT_FALSE(store.FindSweep("nope"));
}

TEST(ResultStore, UnknownDependencyIsRejectedWithoutPartialWrites) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  Sweep bad = Chain();
  bad.jobs[1].depends_on = {"zzz"};
  EXPECT_THROW(store.AddSweep(bad), Error);
  EXPECT_TRUE(store.Sweeps().empty());
}

TEST(ResultStore, NewerSchemaIsRefused) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "r.db").string();
  { ResultStore store(path); }
  {
    sql::Database db(path);
    db.Exec("PRAGMA user_version = 999");
  }
  EXPECT_THROW(ResultStore{path}, Error);
}

TEST(ResultStore, GarbageFileIsAClearError) {
  testing::TempDir tmp;
  const auto path = tmp.path() / "r.db";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just text that is long enough to look like a header", f);
    std::fclose(f);
  }
  try {
    ResultStore store(path.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace labq

namespace labq {
namespace {

TEST(ResultStore, LongestChainIsClaimedFirst) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  Sweep s;
  s.name = "prio";
  s.jobs = {{"small.verify", "sim", "g", {}, {}, 5},
            {"small.synth", "synth", "g", {}, {"small.verify"}, 10},
            {"big.verify", "sim", "g", {}, {}, 40},
            {"big.synth", "synth", "g", {}, {"big.verify"}, 130}};
  const int64_t id = store.AddSweep(s);
  EXPECT_EQ(store.ClaimRunnable(id, "/w")->name, "big.verify");
  EXPECT_EQ(store.ClaimRunnable(id, "/w")->name, "small.verify");
}

TEST(ResultStore, NewDatabaseIsAtTheCurrentSchemaVersion) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "r.db").string();
  { ResultStore store(path); }
  sql::Database db(path);
  sql::Statement version(db, "PRAGMA user_version");
  ASSERT_TRUE(version.Step());
  EXPECT_EQ(version.Int(0), ResultStore::SchemaVersion());
  EXPECT_GE(ResultStore::SchemaVersion(), 2);
}

/// What labq 7 left: no migration 8 indexes, metrics and texts in rowid
/// tables (before migration 9), metrics in their order of insertion.
void MakeVersionSeven(const std::string& path) {
  sql::Database db(path);
  db.Exec(R"sql(
DROP INDEX jobs_by_sweep;
DROP INDEX jobs_by_kind;
DROP TABLE metrics;
DROP TABLE job_texts;
CREATE TABLE metrics(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  name TEXT NOT NULL,
  value REAL NOT NULL,
  unit TEXT NOT NULL,
  PRIMARY KEY (job_id, name));
CREATE TABLE job_texts(
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (job_id, name));
INSERT INTO metrics VALUES (1, 'slack', 0.5, 'ns'), (1, 'area', 7, 'um^2');
INSERT INTO job_texts VALUES (1, 'flow', 'yosys-sta');
PRAGMA user_version = 7;
)sql");
}

TEST(ResultStore, VersionSevenDatabaseGainsTheScaleIndexesAndKeepsResults) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "r.db").string();
  int64_t sweep_id = 0;
  {
    ResultStore store(path);
    sweep_id = store.AddSweep(Chain());
  }
  MakeVersionSeven(path);
  EXPECT_THROW(ResultStore::OpenReadOnly(path), Error);  // a reader never migrates
  {
    ResultStore store(path);
    EXPECT_EQ(store.Jobs(sweep_id).size(), 4u);
    // Migration 9 keeps every value and the order the job reported them in.
    const auto metrics = store.Metrics(1);
    ASSERT_EQ(metrics.size(), 2u);
    EXPECT_EQ(metrics[0].name, "slack");
    EXPECT_EQ(metrics[1].name, "area");
    EXPECT_EQ(metrics[1].value, 7);
    EXPECT_EQ(store.Texts(1).at("flow"), "yosys-sta");
  }
  sql::Database db(path);
  sql::Statement version(db, "PRAGMA user_version");
  ASSERT_TRUE(version.Step());
  EXPECT_EQ(version.Int(0), ResultStore::SchemaVersion());
  version.Reset();
  sql::Statement clustered(db,
                           "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('metrics', "
                           "'job_texts') AND sql LIKE '%WITHOUT ROWID%'");
  ASSERT_TRUE(clustered.Step());
  EXPECT_EQ(clustered.Int(0), 2);
  clustered.Reset();
  sql::Statement indexes(db,
                         "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                         "('jobs_by_sweep', 'jobs_by_kind')");
  ASSERT_TRUE(indexes.Step());
  EXPECT_EQ(indexes.Int(0), 2);
  indexes.Reset();
  // A sweep's job page walks the new index in id order instead of sorting.
  sql::Statement plan(db,
                      "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE sweep_id = 1 ORDER BY id "
                      "LIMIT 100");
  std::string details;
  while (plan.Step()) details += plan.Text(3) + "\n";
  EXPECT_NE(details.find("jobs_by_sweep"), std::string::npos) << details;
  EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << details;
}

TEST(ResultStore, CacheHitIsTheNewestDoneJobWithTheKeyFoundThroughItsIndex) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "r.db").string();
  ResultStore store(path);
  Sweep sweep;
  sweep.name = "cache";
  for (int i = 0; i < 5; ++i)
    sweep.jobs.push_back({"j" + std::to_string(i), "sim", "g", {{"n", i}}, {}});
  const int64_t id = store.AddSweep(sweep);
  auto finish = [&](JobState state, const std::string& key) {
    auto job = store.ClaimRunnable(id, "/w");
    JobCompletion c;
    c.state = state;
    c.cache_key = key;
    store.FinishJob(job->id, c);
    return job->id;
  };
  finish(JobState::kDone, "k1");
  const int64_t newest = finish(JobState::kDone, "k1");
  finish(JobState::kFailed, "k1");  // a failed job with the key is no result to reuse
  finish(JobState::kDone, "");      // nor is a done job stored without a key
  EXPECT_EQ(store.FindCacheHit("k1"), newest);
  EXPECT_EQ(store.FindCacheHit("k2"), std::nullopt);
  EXPECT_EQ(store.FindCacheHit(""), std::nullopt);

  // The statement FindCacheHit runs (copied here): a lookup in the partial
  // index jobs_by_cache_key, never a walk over the done jobs (jobs_queue),
  // which made labd's per-job cost grow with the sweep.
  sql::Database db(path);
  sql::Statement plan(db,
                      "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE cache_key = ?1 AND cache_key "
                      "!= '' AND state = 'done' ORDER BY id DESC LIMIT 1");
  std::string details;
  while (plan.Step()) details += plan.Text(3) + "\n";
  EXPECT_NE(details.find("jobs_by_cache_key"), std::string::npos) << details;
}

/// `n` pairs prep_i -> run_i, so a claim has dependencies to look through.
Sweep Pairs(const std::string& name, int n) {
  Sweep s;
  s.name = name;
  for (int i = 0; i < n; ++i) {
    const std::string prep = "prep_" + std::to_string(i);
    s.jobs.push_back({prep, "command", "g", {{"i", i}}, {}});
    s.jobs.push_back({"run_" + std::to_string(i), "command", "g", {{"i", i}}, {prep}});
  }
  return s;
}

/// SQLite's work (VM steps) for one claim and its finish, as labd makes them
/// (every sweep), with `queued` pairs waiting and, before them, a sweep of
/// `history` pairs cancelled as a whole.
int64_t ClaimAndFinishCost(int queued, int history) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  if (history > 0) store.RequestCancel(store.AddSweep(Pairs("old", history)), std::nullopt);
  store.AddSweep(Pairs("new", queued));
  auto claim_and_finish = [&] {
    auto job = store.Claim({std::nullopt, "/w", "me", {}});
    EXPECT_TRUE(job);
    JobCompletion done;
    done.state = JobState::kDone;
    EXPECT_TRUE(store.FinishJob(job->id, done, job->attempts));
  };
  claim_and_finish();  // statements prepared, pages read
  const int64_t before = store.VmSteps();
  claim_and_finish();
  return store.VmSteps() - before;
}

// A claim used to walk every queued job (skipping blocked dependents) and,
// in labd, every failed or cancelled job ever stored: 3 ms per job at 10,000,
// so labd's throughput fell as the sweep grew. Counted in VM steps, not time.
TEST(ResultStore, AClaimCostsTheSameWhateverTheQueueAndHistory) {
  const int64_t small = ClaimAndFinishCost(50, 0);
  const int64_t long_queue = ClaimAndFinishCost(5000, 0);
  const int64_t long_history = ClaimAndFinishCost(50, 5000);
  EXPECT_LT(long_queue, small * 5 / 4) << small;
  EXPECT_LT(long_history, small * 5 / 4) << small;
}

TEST(ResultStore, ALabdClaimStillSkipsTheDependentsOfAFailedJobInAnySweep) {
  testing::TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  store.AddSweep(Pairs("first", 1));
  const int64_t second = store.AddSweep(Pairs("second", 2));
  auto claim = [&] { return store.Claim({std::nullopt, "/w", "me", {}}); };
  auto prep = claim();  // first's prep_0: ids in order at equal priority
  ASSERT_TRUE(prep);
  EXPECT_EQ(prep->sweep_name, "first");
  JobCompletion failed;
  failed.state = JobState::kFailed;
  EXPECT_TRUE(store.FinishJob(prep->id, failed, prep->attempts));
  auto next = claim();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->sweep_id, second);  // first's run_0 was skipped, not claimed
  auto run = store.FindJob("run_0", prep->sweep_id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->state, JobState::kSkipped);
  EXPECT_EQ(run->error, "dependency prep_0 did not finish");
  EXPECT_EQ(store.Counts(second).Count(JobState::kSkipped), 0);
}

}  // namespace
}  // namespace labq
