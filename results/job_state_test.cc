#include "results/job_state.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "results/result_store.h"
#include "results/sqlite.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

TEST(JobState, EveryStateRoundTripsThroughItsName) {
  ASSERT_EQ(AllJobStates().size(), 8u);
  ASSERT_EQ(JobStateNames().size(), AllJobStates().size());
  std::set<std::string_view> names;
  for (size_t i = 0; i < AllJobStates().size(); ++i) {
    const JobState state = AllJobStates()[i];
    EXPECT_EQ(ParseJobState(Name(state)), state) << Name(state);
    EXPECT_EQ(JobStateNames()[i], Name(state));
    names.insert(Name(state));
  }
  EXPECT_EQ(names.size(), AllJobStates().size()) << "two states share a name";
  EXPECT_EQ(ParseJobState("Done"), std::nullopt);
  EXPECT_EQ(ParseJobState(""), std::nullopt);
  EXPECT_EQ(ParseJobState("timed out"), std::nullopt);
}

TEST(JobState, SuccessAndFailureAreFinalAndDisjoint) {
  std::vector<std::string_view> success, failure, open;
  for (JobState s : AllJobStates()) {
    EXPECT_FALSE(IsSuccess(s) && IsFailure(s)) << Name(s);
    if (IsSuccess(s) || IsFailure(s)) {
      EXPECT_TRUE(IsFinal(s)) << Name(s);
    }
    if (IsSuccess(s)) success.push_back(Name(s));
    if (IsFailure(s)) failure.push_back(Name(s));
    if (!IsFinal(s)) open.push_back(Name(s));
  }
  EXPECT_EQ(success, (std::vector<std::string_view>{"done", "cached"}));
  EXPECT_EQ(failure, (std::vector<std::string_view>{"failed", "timeout"}));
  EXPECT_EQ(open, (std::vector<std::string_view>{"queued", "running"}));
  // Stored names answer the same; an unknown name is none of them.
  EXPECT_TRUE(IsFailure("timeout"));
  EXPECT_TRUE(IsSuccess("cached"));
  EXPECT_TRUE(IsFinal("skipped"));
  EXPECT_FALSE(IsFinal("bogus"));
  EXPECT_FALSE(IsSuccess("bogus"));
}

TEST(JobState, SqlListsComeFromTheTable) {
  EXPECT_EQ(SqlStateList(IsSuccess), "'done', 'cached'");
  EXPECT_EQ(SqlStateList(IsFailure), "'failed', 'timeout'");
  EXPECT_EQ(SqlStateList([](JobState s) { return !IsFinal(s); }), "'queued', 'running'");
  EXPECT_EQ(SqlStateList([](JobState) { return false; }), "");
}

TEST(JobState, CountsAskTheTable) {
  SweepCounts c;
  c.by_state = {{JobState::kDone, 2},
                {JobState::kCached, 1},
                {JobState::kTimeout, 1},
                {JobState::kFailed, 1},
                {JobState::kRunning, 1}};
  c.total = 6;
  EXPECT_EQ(c.CountIf(IsSuccess), 3);
  EXPECT_EQ(c.CountIf(IsFailure), 2);
  EXPECT_EQ(c.Count(JobState::kTimeout), 1);
  EXPECT_FALSE(c.Finished());
  c.by_state.erase(JobState::kRunning);
  c.total = 5;
  EXPECT_TRUE(c.Finished());
}

/// The schema's CHECK list, read back from a fresh database, names exactly
/// the states of the table: the two cannot drift apart.
TEST(JobState, NamesEqualTheSchemaCheckList) {
  testing::TempDir tmp;
  const std::string path = (tmp.path() / "r.db").string();
  { ResultStore store(path); }
  sql::Database db(path);
  sql::Statement q(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'");
  ASSERT_TRUE(q.Step());
  const std::string ddl = q.Text(0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(ddl, m, std::regex(R"(CHECK\s*\(\s*state\s+IN\s*\(([^)]*)\))")))
      << ddl;
  std::set<std::string> in_schema;
  const std::string list = m[1].str();
  const std::regex quoted("'([^']*)'");
  for (auto it = std::sregex_iterator(list.begin(), list.end(), quoted);
       it != std::sregex_iterator(); ++it) {
    in_schema.insert((*it)[1].str());
  }
  const std::set<std::string> in_table(JobStateNames().begin(), JobStateNames().end());
  EXPECT_EQ(in_schema, in_table) << ddl;
}

}  // namespace
}  // namespace labq
