#include "sweep/did_you_mean.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

TEST(DidYouMean, SwapsCountAsOneEditAndCaseIsIgnored) {
  EXPECT_EQ(EditDistance("mdoe", "mode"), 1u);
  EXPECT_EQ(EditDistance("Liberty", "liberty"), 0u);
  EXPECT_EQ(EditDistance("parms", "params"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(DidYouMean, SuggestsOnlyCloseNamesForWordsOfThreeLettersOrMore) {
  const std::vector<std::string> keys = {"name", "groups", "defaults", "clock_period_ns"};
  EXPECT_EQ(DidYouMean("nmae", keys), " (did you mean 'name'?)");
  EXPECT_EQ(DidYouMean("clock_perid_ns", keys), " (did you mean 'clock_period_ns'?)");
  EXPECT_EQ(DidYouMean("toggle", keys), "");
  EXPECT_EQ(DidYouMean("nm", keys), "");
}

}  // namespace
}  // namespace labq
