/// A figure is drawn once and served again until the sweep's results change.

#include "web/figure_cache.h"

#include <gtest/gtest.h>

#include "common/file_util.h"
#include "results/result_store.h"
#include "tests/test_paths.h"
#include "web/routes.h"

namespace labq::web {
namespace {

class FigureCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ResultStore store(Db());
    Sweep s;
    s.name = "figs";
    for (int i = 0; i < 3; ++i) {
      s.jobs.push_back({"j" + std::to_string(i), "command", "g", {{"argv", {"true"}}}, {}});
    }
    sweep_ = store.AddSweep(s);
    FinishOne(store);
  }

  std::string Db() const { return (tmp_.path() / "r.db").string(); }

  void FinishOne(ResultStore& store) {
    auto job = store.ClaimRunnable(sweep_, (tmp_.path() / "w").string());
    ASSERT_TRUE(job);
    JobCompletion done;
    done.state = JobState::kDone;
    done.metrics = {{"m", 1.0 * job->id, ""}};
    store.FinishJob(job->id, done);
  }

  /// Counts its calls and draws "<svg>N</svg>" for the Nth.
  FigureRenderer Counting() {
    return [this](const std::string& sweep, const std::string& kind) {
      ++draws_;
      const auto out = tmp_.path() / (sweep + "-" + kind + ".svg");
      WriteFileAtomically(out, "<svg>" + std::to_string(draws_) + "</svg>");
      return std::optional<std::filesystem::path>(out);
    };
  }

  labq::testing::TempDir tmp_;
  int64_t sweep_ = 0;
  int draws_ = 0;
};

TEST_F(FigureCacheTest, ASecondRequestIsServedWithoutDrawing) {
  Routes r(Db(), Counting());
  const Reply first = r.Figure("figs", "dpu");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, "<svg>1</svg>");
  const Reply again = r.Figure(std::to_string(sweep_), "dpu");  // by id: the same sweep
  EXPECT_EQ(again.body, "<svg>1</svg>");
  EXPECT_EQ(again.content_type, "image/svg+xml");
  EXPECT_EQ(draws_, 1);
  // Another kind is another figure.
  EXPECT_EQ(r.Figure("figs", "qat").body, "<svg>2</svg>");
  EXPECT_EQ(draws_, 2);
}

TEST_F(FigureCacheTest, ANewlyFinishedJobRedraws) {
  Routes r(Db(), Counting());
  ASSERT_EQ(r.Figure("figs", "dpu").body, "<svg>1</svg>");
  {
    ResultStore store(Db());
    FinishOne(store);
  }
  EXPECT_EQ(r.Figure("figs", "dpu").body, "<svg>2</svg>");
  EXPECT_EQ(r.Figure("figs", "dpu").body, "<svg>2</svg>");
  EXPECT_EQ(draws_, 2);
}

TEST_F(FigureCacheTest, AFailureAndItsRetryEachRedraw) {
  Routes r(Db(), Counting());
  ASSERT_EQ(r.Figure("figs", "dpu").body, "<svg>1</svg>");
  {
    ResultStore store(Db());
    auto job = store.ClaimRunnable(sweep_, (tmp_.path() / "w").string());
    ASSERT_TRUE(job);
    JobCompletion failed;
    failed.state = JobState::kFailed;
    store.FinishJob(job->id, failed);
  }
  EXPECT_EQ(r.Figure("figs", "dpu").body, "<svg>2</svg>");  // a failure changes the figure
  {
    ResultStore store(Db());
    ASSERT_EQ(store.Retry(sweep_, std::nullopt), 1);
  }
  EXPECT_EQ(r.Figure("figs", "dpu").body, "<svg>3</svg>");  // its result is gone
}

TEST(FigureCache, KeepsAtMostItsCapacity) {
  FigureCache cache(2);
  cache.Store(1, "dpu", "a", "one");
  cache.Store(2, "dpu", "a", "two");
  EXPECT_EQ(cache.Find(1, "dpu", "a"), "one");
  EXPECT_FALSE(cache.Find(1, "dpu", "b"));  // drawn from other results
  cache.Store(3, "dpu", "a", "three");      // full: starts over
  EXPECT_FALSE(cache.Find(1, "dpu", "a"));
  EXPECT_EQ(cache.Find(3, "dpu", "a"), "three");
}

}  // namespace
}  // namespace labq::web
