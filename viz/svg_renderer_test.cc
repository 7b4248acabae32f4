#include "viz/svg_renderer.h"

#include <gtest/gtest.h>

#include "common/text.h"
#include "tests/test_paths.h"
#include "viz/viz_testing.h"

namespace labq::viz {
namespace {

TEST(SvgRenderer, DrawsASweepsFigureAndRemovesItsFolderWhenGone) {
  LABQ_REQUIRE_GNUPLOT();
  labq::testing::TempDir tmp;
  const auto db = (tmp.path() / "r.db").string();
  int64_t id = 0;
  {
    ResultStore store(db);
    id = testing::AddLab2Sweep(store, "lab2");
  }
  std::filesystem::path drawn;
  {
    SvgRenderer render = MakeSvgRenderer(db);
    const auto svg = render(std::to_string(id), "dpu");
    ASSERT_TRUE(svg.has_value());
    drawn = *svg;
    EXPECT_TRUE(Contains(ReadFile(drawn.string()), "<svg"));
    EXPECT_FALSE(render(std::to_string(id), "no-such-kind").has_value());
    EXPECT_FALSE(render("999", "dpu").has_value());  // no such sweep
  }
  EXPECT_FALSE(std::filesystem::exists(drawn.parent_path()));
}

}  // namespace
}  // namespace labq::viz
