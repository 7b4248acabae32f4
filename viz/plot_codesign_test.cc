/// `labq plot codesign` from a co-design sweep written through the real
/// ResultStore: one marker per table row, the table's Pareto rows as the
/// staircase, the float-activation lines, and errors naming the sweep.

#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "common/text.h"
#include "results/codesign_table.h"
#include "tests/test_paths.h"
#include "viz/plot.h"
#include "viz/viz_testing.h"

namespace labq::viz {
namespace {

using labq::testing::TempDir;

using testing::ErrorOf;

struct CodesignStore {
  TempDir tmp;
  ResultStore store{(tmp.path() / "r.db").string()};
  int64_t id = testing::AddCodesignSweep(store, "cd");
  Panel Build() {
    const Figure f = BuildFigure(store, {PlotKind::kCodesign, id, "", "", ""});
    EXPECT_EQ(f.panels.size(), 1u);
    EXPECT_NE(f.title.find("cd"), std::string::npos) << f.title;
    return f.panels.at(0);
  }
};

std::vector<const Series*> Markers(const Panel& p) {
  std::vector<const Series*> out;
  for (const auto& s : p.series) {
    if (!s.staircase) out.push_back(&s);
  }
  return out;
}

TEST(PlotCodesign, OneMarkerPerRowColouredByModeShapedByPrecisionAndFormat) {
  CodesignStore s;
  const Panel p = s.Build();
  EXPECT_EQ(p.style, PanelStyle::kScatter);
  EXPECT_EQ(p.ylabel, "test accuracy, every conv on the DPU (%)");
  EXPECT_NE(p.xlabel.find("GOPS/W"), std::string::npos) << p.xlabel;
  EXPECT_NE(p.xlabel.find("utilization"), std::string::npos) << "the network's, not the DPU's";
  EXPECT_FALSE(p.log_x) << "2e11..5.5e11 spans less than a decade";
  size_t points = 0;
  std::set<std::pair<double, double>> seen;
  for (const Series* series : Markers(p)) {
    for (const auto& pt : series->points) {
      ++points;
      seen.insert({pt.x, pt.y});
      // Find the fixture row this marker stands for and check its encoding.
      bool matched = false;
      for (const auto& r : testing::CodesignFixtureRows()) {
        if (r.ops_per_w / 1e9 != pt.x || r.accuracy != pt.y) continue;
        matched = true;
        EXPECT_EQ(series->color, r.mode == "full" ? 0 : r.mode == "msb" ? 1 : 2) << series->title;
        EXPECT_EQ(series->marker, r.precision == 8 ? Marker::kCircle : Marker::kTriangle)
            << series->title;
        EXPECT_EQ(series->hollow, r.b_format == "unsigned-split") << series->title;
        EXPECT_EQ(pt.note, "N=" + std::to_string(r.n));
      }
      EXPECT_TRUE(matched) << pt.x << ", " << pt.y;
    }
  }
  EXPECT_EQ(points, testing::CodesignFixtureRows().size());
  EXPECT_EQ(seen.size(), points);
  // The key says what each colour and each shape means, once.
  std::set<std::string> key;
  for (const auto& e : p.key) key.insert(e.title);
  for (const char* title : {"full", "msb", "lsb", "8-bit, sign-magnitude", "4-bit, sign-magnitude",
                            "8-bit, unsigned-split (2 calls)"}) {
    EXPECT_EQ(key.count(title), 1u) << title;
  }
}

TEST(PlotCodesign, ParetoStaircaseGoesThroughTheTablesFlaggedRowsOnly) {
  CodesignStore s;
  const Panel p = s.Build();
  const Series* front = nullptr;
  for (const auto& series : p.series) {
    if (series.staircase) front = &series;
  }
  ASSERT_NE(front, nullptr);
  // The rows `labq table codesign` flags, read from the table itself.
  const Table t = BuildCodesignTable(s.store, s.id);
  std::set<std::pair<double, double>> flagged, fixture;
  for (const auto& row : t.rows) {
    if (row[t.Index("pareto")] == "yes") {
      flagged.insert({row[t.Index("OPS_per_W")].get<double>() / 1e9,
                      row[t.Index("accuracy_pct")].get<double>()});
    }
  }
  for (const auto& r : testing::CodesignFixtureRows()) {
    if (r.pareto) fixture.insert({r.ops_per_w / 1e9, r.accuracy});
  }
  EXPECT_EQ(flagged, fixture) << "the fixture's front is the table's";
  std::set<std::pair<double, double>> drawn;
  for (const auto& pt : front->points) drawn.insert({pt.x, pt.y});
  EXPECT_EQ(drawn, flagged);
  EXPECT_EQ(front->points.size(), 3u);
  for (size_t i = 1; i < front->points.size(); ++i) {
    EXPECT_LT(front->points[i - 1].x, front->points[i].x) << "in OPS/W order";
    EXPECT_GT(front->points[i - 1].y, front->points[i].y) << "accuracy falls along a front";
  }
}

TEST(PlotCodesign, FloatActivationAccuracyIsALinePerWeightPrecision) {
  CodesignStore s;
  const Panel p = s.Build();
  ASSERT_EQ(p.references.size(), 2u);
  EXPECT_DOUBLE_EQ(p.references[0].value, 89.2);
  EXPECT_EQ(p.references[0].label, "float activations, 8-bit: 89.2 %");
  EXPECT_DOUBLE_EQ(p.references[1].value, 86.5);
  EXPECT_NE(p.references[0].dash, p.references[1].dash);
  ASSERT_TRUE(p.y_min && p.y_max);
  EXPECT_LE(*p.y_min, 10);
  EXPECT_GE(*p.y_max, 89.2);
  EXPECT_LE(*p.y_max, 100);
}

TEST(PlotCodesign, SweepWithoutRowsIsAnErrorNamingIt) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t lab2 = testing::AddLab2Sweep(store, "lab2");
  std::string e = ErrorOf([&] { BuildFigure(store, {PlotKind::kCodesign, lab2, "", "", ""}); });
  EXPECT_NE(e.find("sweep 'lab2' (id " + std::to_string(lab2) + ") has no hw_eval jobs"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("labq table codesign"), std::string::npos) << e;
  const int64_t queued = testing::AddCodesignSweep(store, "later", /*finish=*/false);
  e = ErrorOf([&] { BuildFigure(store, {PlotKind::kCodesign, queued, "", "", ""}); });
  EXPECT_NE(e.find("sweep 'later'"), std::string::npos) << e;
  EXPECT_NE(e.find("no finished hw_eval job"), std::string::npos) << e;
}

TEST(PlotCodesign, GnuplotDrawsItAsSvgAndPng) {
  LABQ_REQUIRE_GNUPLOT();
  CodesignStore s;
  const PlotFiles svg =
      RenderPlot(s.store, {PlotKind::kCodesign, s.id, "", "", ""}, s.tmp.path() / "cd.svg");
  const std::string text = ReadFile(svg.figure.string());
  for (const char* shown : {"Pareto front", "colour: output mode", "N=128", "msb",
                            "float activations, 4-bit: 86.5 %"}) {
    EXPECT_NE(text.find(shown), std::string::npos) << shown;
  }
  const std::string script = ReadFile(svg.script.string());
  EXPECT_NE(script.find("with fsteps"), std::string::npos);
  EXPECT_NE(script.find("pt 6 "), std::string::npos) << "open circles: unsigned-split, 8-bit";
  RenderPlot(s.store, {PlotKind::kCodesign, s.id, "", "", ""}, s.tmp.path() / "cd.png");
  EXPECT_EQ(ReadFile((s.tmp.path() / "cd.png").string()).substr(1, 3), "PNG");
}

}  // namespace
}  // namespace labq::viz
