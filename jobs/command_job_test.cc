#include "jobs/command_job.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

TEST(CommandJob, SubstitutesIdentifiersOnly) {
  nlohmann::json params = {{"n", 8}, {"mode", "full"}};
  EXPECT_EQ(SubstituteParams("--n={n}/{mode}", params, "/d"), "--n=8/full");
  EXPECT_EQ(SubstituteParams("{job_dir}/out", params, "/d"), "/d/out");
  EXPECT_EQ(SubstituteParams("test -f x || { touch x; }", params, "/d"),
            "test -f x || { touch x; }");
  EXPECT_EQ(SubstituteParams("{\"a\": {n}}", params, "/d"), "{\"a\": 8}");
  EXPECT_THROW(SubstituteParams("{missing}", params, "/d"), JobFailed);
}

}  // namespace
}  // namespace labq
