#include "common/text.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

TEST(Text, SplitLinesAcceptsCrLf) {
  auto lines = SplitLines("a\r\nb\nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "c");
}

TEST(Text, ParseDoubleTakesWholeTokensOnly) {
  EXPECT_EQ(ParseDouble("1.5e-3"), 1.5e-3);
  EXPECT_EQ(ParseDouble("-2"), -2.0);
  EXPECT_FALSE(ParseDouble("1.5ns"));
  EXPECT_FALSE(ParseDouble(""));
}

TEST(Text, SplitWhitespaceDropsEmptyFields) {
  auto fields = SplitWhitespace("  a \t b  ");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1], "b");
}

}  // namespace
}  // namespace labq
