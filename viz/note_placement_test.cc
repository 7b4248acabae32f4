#include "viz/note_placement.h"

#include <gtest/gtest.h>

namespace labq::viz {
namespace {

TEST(NotePlacement, RightOfTheMarkerWhenFree) {
  std::vector<Rect> taken = {MarkerBox(100, 100, 10)};
  const auto spot = TakeFreeSpot(SpotsAround(100, 100, 40, 16, 12), {0, 0, 400, 300}, taken);
  ASSERT_TRUE(spot);
  EXPECT_DOUBLE_EQ(spot->x0, 112);
  EXPECT_DOUBLE_EQ(spot->CenterY(), 100);
  EXPECT_EQ(taken.size(), 2u) << "the note is taken for the next one";
}

TEST(NotePlacement, NeverCoversAMarkerOrAnotherNoteAndGivesUpWhenCrowded) {
  const Rect area{0, 0, 400, 300};
  // A marker just right of the first: its right spot is gone, left is next.
  std::vector<Rect> taken = {MarkerBox(100, 100, 10), MarkerBox(135, 100, 10)};
  const auto first = TakeFreeSpot(SpotsAround(100, 100, 40, 16, 12), area, taken);
  ASSERT_TRUE(first);
  EXPECT_DOUBLE_EQ(first->x1, 88) << "left of the marker";
  // Eight notes for one point fill its eight spots; the ninth has none.
  int placed = 1;
  for (int i = 0; i < 8; ++i)
    placed += TakeFreeSpot(SpotsAround(100, 100, 40, 16, 12), area, taken).has_value();
  EXPECT_LT(placed, 9);
  for (size_t i = 0; i < taken.size(); ++i) {
    for (size_t j = i + 1; j < taken.size(); ++j) {
      EXPECT_FALSE(taken[i].Overlaps(taken[j])) << i << " " << j;
    }
  }
}

TEST(NotePlacement, StaysInsideThePlotArea) {
  std::vector<Rect> taken;
  // At the right edge: the right spot would leave the area.
  const auto spot = TakeFreeSpot(SpotsAround(390, 150, 40, 16, 12), {0, 0, 400, 300}, taken);
  ASSERT_TRUE(spot);
  EXPECT_LE(spot->x1, 400);
  EXPECT_DOUBLE_EQ(spot->x1, 378);
}

}  // namespace
}  // namespace labq::viz
