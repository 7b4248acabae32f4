#include "orchestrator/gpu_pool.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>

namespace labq {
namespace {

/// Sets CUDA_VISIBLE_DEVICES for one test and restores it after.
class VisibleDevices {
 public:
  explicit VisibleDevices(const char* value) {
    if (const char* old = std::getenv("CUDA_VISIBLE_DEVICES")) old_ = old;
    ::setenv("CUDA_VISIBLE_DEVICES", value, 1);
  }
  ~VisibleDevices() {
    if (old_) {
      ::setenv("CUDA_VISIBLE_DEVICES", old_->c_str(), 1);
    } else {
      ::unsetenv("CUDA_VISIBLE_DEVICES");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(VisibleGpus, FollowsCudaVisibleDevices) {
  {
    VisibleDevices v("2,0, GPU-8f3a");
    EXPECT_EQ(VisibleGpus(), (std::vector<std::string>{"2", "0", "GPU-8f3a"}));
  }
  {
    VisibleDevices v("");
    EXPECT_TRUE(VisibleGpus().empty());
  }
  {
    VisibleDevices v("1,-1,3");  // CUDA stops at the first invalid entry
    EXPECT_EQ(VisibleGpus(), std::vector<std::string>{"1"});
  }
}

TEST(GpuPool, DistinctDevicesUntilAllAreTakenThenTheLeastUsed) {
  GpuPool pool({"3", "5"});
  EXPECT_EQ(pool.size(), 2u);
  const std::string a = pool.Take(1), b = pool.Take(1);
  EXPECT_EQ(a, "3");
  EXPECT_EQ(b, "5");
  pool.Give(a);
  EXPECT_EQ(pool.Take(1), "3");    // the free one, not the busy 5
  EXPECT_EQ(pool.Take(2), "3,5");  // a limit above the count shares devices
}

TEST(GpuPool, EmptyPoolGivesNothing) {
  GpuPool pool({});
  EXPECT_EQ(pool.Take(1), "");
  pool.Give("");
  EXPECT_EQ(pool.size(), 0u);
}

}  // namespace
}  // namespace labq
