#include "results/job_page.h"

#include <gtest/gtest.h>

#include "results/result_store.h"
#include "results/sweep_lookup.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

/// Sweeps "a" (3 jobs), "b" (7 jobs, 2 of them done), then "1" and "a" again.
struct Store {
  testing::TempDir tmp;
  ResultStore store{(tmp.path() / "r.db").string()};
  sql::Database db{(tmp.path() / "r.db").string(), sql::Access::kReadOnly};
  int64_t a = 0, b = 0, named_one = 0, a2 = 0;

  static Sweep Of(const std::string& name, int jobs) {
    Sweep s;
    s.name = name;
    for (int i = 0; i < jobs; ++i) {
      s.jobs.push_back({"j" + std::to_string(i), "command", "g", {{"argv", {"true"}}}, {}});
    }
    return s;
  }

  Store() {
    a = store.AddSweep(Of("a", 3));
    b = store.AddSweep(Of("b", 7));
    named_one = store.AddSweep(Of(std::to_string(a), 1));
    a2 = store.AddSweep(Of("a", 1));
    store.TagSweep(b, "zeta");
    store.TagSweep(b, "alpha");
    for (int i = 0; i < 2; ++i) {
      auto job = store.ClaimRunnable(b, (tmp.path() / "w").string());
      JobCompletion done;
      done.state = JobState::kDone;
      store.FinishJob(job->id, done);
    }
  }

  std::vector<std::string> Names(const JobPageQuery& q) {
    std::vector<std::string> out;
    for (const auto& j : QueryJobPage(db, q)) out.push_back(j.name);
    return out;
  }
};

using Names = std::vector<std::string>;

TEST(JobPage, PagesWalkOneSweepInIdOrder) {
  Store s;
  EXPECT_EQ(s.Names({s.b, std::nullopt, 0, 3}), (Names{"j0", "j1", "j2"}));
  EXPECT_EQ(s.Names({s.b, std::nullopt, 3, 3}), (Names{"j3", "j4", "j5"}));
  EXPECT_EQ(s.Names({s.b, std::nullopt, 6, 3}), (Names{"j6"}));  // the last page is short
  EXPECT_TRUE(s.Names({s.b, std::nullopt, 7, 3}).empty());       // past the end: nothing
  EXPECT_EQ(s.Names({s.a, std::nullopt, 0, 100}), (Names{"j0", "j1", "j2"}));  // not b's jobs
}

TEST(JobPage, StatePagesSkipWithinTheState) {
  Store s;
  EXPECT_EQ(s.Names({s.b, JobState::kDone, 0, 100}), (Names{"j0", "j1"}));
  EXPECT_EQ(s.Names({s.b, JobState::kQueued, 1, 2}), (Names{"j3", "j4"}));
  EXPECT_TRUE(s.Names({s.b, JobState::kFailed, 0, 100}).empty());
}

TEST(JobPage, ProgressCountsEveryState) {
  Store s;
  const auto p = QuerySweepProgress(s.db, s.b);
  EXPECT_EQ(p.counts.total, 7);
  EXPECT_EQ(p.counts.Count(JobState::kDone), 2);
  EXPECT_EQ(p.counts.Count(JobState::kQueued), 5);
  EXPECT_EQ(p.counts.by_state.size(), 2u);  // no zero entries
  EXPECT_EQ(QuerySweepProgress(s.db, s.a).counts.Count(JobState::kQueued), 3);
}

TEST(SweepLookup, AnIdWinsOverANameAndANameFindsTheLatest) {
  Store s;
  // Sweep `named_one` is called "<a's id>": the id still names sweep a.
  EXPECT_EQ(FindSweepId(s.db, std::to_string(s.a)), s.a);
  EXPECT_EQ(FindSweepId(s.db, "a"), s.a2);
  EXPECT_EQ(FindSweepId(s.db, "0" + std::to_string(s.b)), std::nullopt);  // not an id's spelling
  EXPECT_EQ(FindSweepId(s.db, "99999"), std::nullopt);
  EXPECT_EQ(FindSweepId(s.db, "99999999999999999999999"), std::nullopt);
  EXPECT_EQ(FindSweepId(s.db, ""), std::nullopt);
  // The store's own lookup agrees.
  EXPECT_EQ(s.store.FindSweep(std::to_string(s.a))->id, s.a);
  EXPECT_EQ(s.store.FindSweep("a")->id, s.a2);
}

TEST(SweepLookup, HeaderCarriesTagsSorted) {
  Store s;
  const auto h = QuerySweepHeader(s.db, "b");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->id, s.b);
  EXPECT_EQ(h->tags, (std::vector<std::string>{"alpha", "zeta"}));
  EXPECT_EQ(s.store.SweepsNamed("b").front().tags, h->tags);
  EXPECT_FALSE(QuerySweepHeader(s.db, "nope"));
}

}  // namespace
}  // namespace labq
