#include "orchestrator/resource_pool.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

JobRecord Needing(nlohmann::json resources,
                  nlohmann::json sweep_limits = nlohmann::json::object()) {
  JobRecord job;
  job.resources = std::move(resources);
  job.sweep_limits = std::move(sweep_limits);
  return job;
}

TEST(ResourcePool, TheSmallerOfTheSchedulersAndTheSweepsLimitApplies) {
  ResourcePool pool(0);
  pool.Configure({4, {{"lic", 3}}});
  EXPECT_EQ(pool.LimitFor("lic", Needing({}, {{"lic", 2}})), 2);
  EXPECT_EQ(pool.LimitFor("lic", Needing({}, {{"lic", 5}})), 3);
  EXPECT_EQ(pool.LimitFor("mem", Needing({})), -1);  // unlimited
  EXPECT_EQ(pool.LimitFor("mem", Needing({}, {{"mem", 7}})), 7);
}

TEST(ResourcePool, AdmitsUntilHeldResourcesReachTheLimit) {
  ResourcePool pool(0);
  pool.Configure({4, {{"lic", 2}}});
  const JobRecord one = Needing({{"lic", 1}});
  EXPECT_TRUE(pool.Admit(one));
  pool.Hold(one);
  pool.Hold(one);
  EXPECT_EQ(pool.InUse("lic"), 2);
  EXPECT_FALSE(pool.Admit(one));
  EXPECT_TRUE(pool.Admit(Needing({{"other", 1}})));
  pool.Release(one);
  EXPECT_TRUE(pool.Admit(one));
}

TEST(ResourcePool, AJobThatCanNeverFitIsAdmittedToBeFailedWithTheReason) {
  ResourcePool pool(0);
  pool.Configure({1, {{"lic", 2}}});
  const JobRecord big = Needing({{"lic", 3}});
  EXPECT_EQ(pool.NeverFits(big), "needs 3 lic but the limit is 2");
  EXPECT_TRUE(pool.Admit(big));
  EXPECT_EQ(pool.NeverFits(Needing({{"lic", 2}})), "");
}

TEST(ResourcePool, GpuDefaultsToTheVisibleGpusForLocalJobsOnly) {
  ResourcePool pool(2);
  EXPECT_EQ(pool.LimitFor("gpu", Needing({{"gpu", 1}})), 2);
  JobRecord slurm = Needing({{"gpu", 8}});
  slurm.executor = {{"type", "slurm"}};
  EXPECT_EQ(pool.LimitFor("gpu", slurm), -1);
  EXPECT_EQ(pool.NeverFits(slurm), "");
  ResourcePool none(0);
  EXPECT_NE(none.NeverFits(Needing({{"gpu", 1}})).find("no GPU visible"), std::string::npos);
}

TEST(ResourcePool, ConfigureKeepsWhatRunningJobsHoldAndAtLeastOneSlot) {
  ResourcePool pool(0);
  pool.Configure({2, {{"lic", 1}}});
  const JobRecord one = Needing({{"lic", 1}});
  pool.Hold(one);
  pool.Configure({0, {{"lic", 2}}});
  EXPECT_EQ(pool.slots(), 1);
  EXPECT_EQ(pool.InUse("lic"), 1);
  EXPECT_TRUE(pool.Admit(one));
}

}  // namespace
}  // namespace labq
