#include "viz/plot.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "tests/test_paths.h"
#include "viz/gnuplot_script.h"
#include "viz/run_tool.h"
#include "viz/viz_testing.h"

namespace labq::viz {
namespace {

namespace fs = std::filesystem;
using labq::testing::TempDir;

using testing::ErrorOf;

TEST(PlotFigure, DpuBarsCarryOpsPerWattPerModeScaledToTheAxis) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const Figure f = BuildFigure(store, {PlotKind::kDpu, id, "", "", ""});
  ASSERT_EQ(f.panels.size(), 2u);
  const Panel& opw = f.panels[0];
  EXPECT_EQ(opw.categories, (std::vector<std::string>{"8", "128"}));
  ASSERT_EQ(opw.series.size(), 2u);
  EXPECT_EQ(opw.series[1].title, "lsb");
  ASSERT_EQ(opw.series[1].points.size(), 2u);
  // 3.5e11 * 1.6 OPS/W at N=128 reads 560 on a GOPS/W axis.
  EXPECT_DOUBLE_EQ(opw.series[1].points[1].y, testing::FixtureOpsPerW(128, "lsb") / 1e9);
  EXPECT_EQ(opw.series[1].points[1].note, "560");
  EXPECT_EQ(opw.ylabel, "energy efficiency (GOPS/W)");
}

TEST(PlotFigure, DpuOfTheLabsOneFormatSweepIsASeriesPerMode) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const Figure f = BuildFigure(store, {PlotKind::kDpu, id, "", "", ""});
  for (const Panel& p : f.panels) {
    EXPECT_EQ(p.xlabel, "N (dot-product length, elements) per mode");
    ASSERT_EQ(p.series.size(), 2u);
    EXPECT_EQ(p.series[0].title, "full");
    EXPECT_EQ(p.series[1].title, "lsb");
    for (size_t i = 0; i < p.series.size(); ++i) {
      EXPECT_EQ(p.series[i].color, static_cast<int>(i));
      EXPECT_EQ(p.series[i].fill, 0) << "solid bars, as before";
    }
  }
  const std::string script =
      BuildGnuplot(f, ImageFormat::kSvg, "dpu.svg", "dpu.dat", "test").script;
  EXPECT_NE(script.find("fs solid 0.9 noborder"), std::string::npos) << script;
  EXPECT_EQ(script.find("maxrows"), std::string::npos) << script;
  EXPECT_NE(script.find("boxed notitle"), std::string::npos) << "level notes in boxes";
}

TEST(PlotFigure, DpuDesignsDifferingInFormatAndWeightBitsAreSeriesOfTheirOwn) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddDpuFormatsSweep(store, "cd");
  const Figure f = BuildFigure(store, {PlotKind::kDpu, id, "", "", ""});
  ASSERT_EQ(f.panels.size(), 2u);
  const Panel& opw = f.panels[0];
  EXPECT_EQ(opw.categories, (std::vector<std::string>{"8", "128"}));
  std::vector<std::string> titles;
  for (const auto& s : opw.series) titles.push_back(s.title);
  EXPECT_EQ(titles, (std::vector<std::string>{"full sm b8", "full sm b4", "full unsigned b8",
                                              "msb sm b8", "msb sm b4", "msb unsigned b8"}));
  for (size_t i = 0; i < opw.series.size(); ++i) {
    EXPECT_EQ(opw.series[i].color, static_cast<int>(i / 3)) << "a colour per mode";
    EXPECT_EQ(opw.series[i].fill, static_cast<int>(i % 3)) << "a fill per format";
    ASSERT_EQ(opw.series[i].points.size(), 2u) << titles[i];
    EXPECT_DOUBLE_EQ(opw.series[i].points[1].y,
                     testing::FixtureOpsPerW(128, i < 3 ? "full" : "msb") / 1e9);
  }
  EXPECT_EQ(opw.xlabel, "N (elements) per mode and DPU format");

  // Grouping by mode alone, as asked, still refuses two designs in one bar.
  const std::string error = ErrorOf([&] {
    BuildFigure(store, {PlotKind::kDpu, id, "mode", "", ""});
  });
  EXPECT_NE(error.find("dpu_sm_8_full_8.synth and dpu_sm_8_full_4.synth"), std::string::npos)
      << error;
}

TEST(PlotRender, DpuFormatsSweepDrawsWithGnuplot) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddDpuFormatsSweep(store, "cd");
  const PlotFiles files =
      RenderPlot(store, {PlotKind::kDpu, id, "", "", ""}, tmp.path() / "dpu.svg");
  const std::string svg = ReadFile(files.figure.string());
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  for (const char* title : {"full sm b4", "msb unsigned b8"}) {
    EXPECT_NE(svg.find(title), std::string::npos) << title;
  }
  const std::string script = ReadFile(files.script.string());
  EXPECT_NE(script.find("fs solid 0.35 border fc rgb"), std::string::npos) << script;
  EXPECT_NE(script.find("fs empty border"), std::string::npos) << script;
  EXPECT_NE(script.find("maxrows 2"), std::string::npos) << "a key column per mode";
}

TEST(PlotFigure, QatBarsAndTheFpBaseline) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const Figure f = BuildFigure(store, {PlotKind::kQat, id, "", "", ""});
  ASSERT_EQ(f.panels.size(), 1u);
  const Panel& p = f.panels[0];
  ASSERT_EQ(p.references.size(), 1u);
  EXPECT_DOUBLE_EQ(p.references[0].value, 89.5);
  // FP, pure 8, pure 4, nested 8, nested 4 and the naive cut.
  EXPECT_EQ(p.categories.size(), 6u);
  EXPECT_EQ(p.categories.back(), "q8 cut naively to 4-bit");
  const Series& naive = p.series.back();
  EXPECT_EQ(naive.title, "naive 4-bit cut");
  EXPECT_DOUBLE_EQ(naive.points[0].y, 41.25);
  EXPECT_EQ(naive.points[0].note, "41.25 % (\u221248.25)");
}

TEST(PlotFigure, CurvesHaveAPointPerStoredEpoch) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const Figure f = BuildFigure(store, {PlotKind::kCurves, id, "", "", ""});
  ASSERT_EQ(f.panels.size(), 2u);
  // pretrain FP, q8 8-bit, q4 4-bit, nested 8-bit and 4-bit.
  EXPECT_EQ(f.panels[0].series.size(), 5u);
  EXPECT_EQ(f.panels[1].series.size(), 4u);  // loss of pretrain, q8, q4, nested
  for (const auto& s : f.panels[0].series) EXPECT_EQ(s.points.size(), 3u) << s.title;
  EXPECT_DOUBLE_EQ(f.panels[1].series[0].points[2].y, 0.3);
  // QAT epochs follow the 3 pretraining epochs on the axis.
  EXPECT_EQ(f.panels[0].series[1].title, "q8 8-bit");
  EXPECT_DOUBLE_EQ(f.panels[0].series[1].points[0].x, 4);
  EXPECT_EQ(f.panels[0].x_divider, 3.5);
  // Every corner of these panels can hold a curve: the keys go under them.
  EXPECT_EQ(f.panels[0].key_place, Panel::KeyPlace::kBelow);
  EXPECT_EQ(f.panels[1].key_place, Panel::KeyPlace::kBelow);
}

TEST(PlotFigure, MetricAgainstAParameterGroupedByAnother) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const Figure f = BuildFigure(store, {PlotKind::kMetric, id, "", "area", ""});
  ASSERT_EQ(f.panels.size(), 1u);
  EXPECT_EQ(f.panels[0].xlabel, "n");
  ASSERT_EQ(f.panels[0].series.size(), 2u);  // grouped by mode, the other axis
  EXPECT_EQ(f.panels[0].series[0].title, "mode full");
  EXPECT_DOUBLE_EQ(f.panels[0].series[0].points[1].x, 128);
  EXPECT_DOUBLE_EQ(f.panels[0].series[0].points[1].y, 128000);
  EXPECT_NE(f.panels[0].ylabel.find("um^2"), std::string::npos);
}

TEST(PlotErrors, UnknownMetricIsNamedWithTheKnownOnes) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const std::string e = ErrorOf([&] {
    BuildFigure(store, {PlotKind::kMetric, id, "", "acc9", ""});
  });
  EXPECT_NE(e.find("'acc9'"), std::string::npos) << e;
  EXPECT_NE(e.find("acc8"), std::string::npos) << e;
  EXPECT_NE(e.find("ops_per_w"), std::string::npos) << e;
  EXPECT_NE(e.find("epoch_<n>.loss"), std::string::npos) << e;
  const std::string dpu = ErrorOf([&] { BuildFigure(store, {PlotKind::kDpu, id, "", "OPS", ""}); });
  EXPECT_NE(dpu.find("'OPS'"), std::string::npos) << dpu;
  EXPECT_NE(dpu.find("OPS_per_W"), std::string::npos) << dpu;
}

TEST(PlotErrors, SweepWithNoFinishedJobs) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "waiting", /*finish=*/false);
  for (PlotKind kind : {PlotKind::kDpu, PlotKind::kQat, PlotKind::kCurves}) {
    const std::string e = ErrorOf([&] { BuildFigure(store, {kind, id, "", "", ""}); });
    EXPECT_NE(e.find("no finished"), std::string::npos) << PlotKindName(kind) << ": " << e;
    EXPECT_NE(e.find("'waiting'"), std::string::npos) << e;
  }
  const std::string m = ErrorOf([&] {
    BuildFigure(store, {PlotKind::kMetric, id, "", "area", ""});
  });
  EXPECT_NE(m.find("no finished jobs"), std::string::npos) << m;
}

TEST(PlotErrors, UnknownKindNamesTheKinds) {
  EXPECT_NE(ErrorOf([] { ParsePlotKind("pie"); }).find("dpu, qat, curves, codesign"),
            std::string::npos);
}

TEST(PlotErrors, UnwritableOutNamesThePath) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const fs::path missing = tmp.path() / "no-such-folder" / "dpu.svg";
  std::string e = ErrorOf([&] { RenderPlot(store, {PlotKind::kDpu, id, "", "", ""}, missing); });
  EXPECT_NE(e.find(missing.string()), std::string::npos) << e;
  EXPECT_NE(e.find("does not exist"), std::string::npos) << e;
  WriteFileAtomically(tmp.path() / "file", "x");
  const fs::path under_file = tmp.path() / "file" / "dpu.svg";
  e = ErrorOf([&] { RenderPlot(store, {PlotKind::kDpu, id, "", "", ""}, under_file); });
  EXPECT_NE(e.find(under_file.string()), std::string::npos) << e;
  e = ErrorOf([&] { RenderPlot(store, {PlotKind::kDpu, id, "", "", ""}, tmp.path() / "x.gif"); });
  EXPECT_NE(e.find("x.gif"), std::string::npos) << e;
}

TEST(PlotRender, ScriptIsKeptAndRerunsWithGnuplot) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const PlotFiles files =
      RenderPlot(store, {PlotKind::kDpu, id, "", "", ""}, tmp.path() / "dpu.svg");
  EXPECT_EQ(files.script, tmp.path() / "dpu.gp");
  const std::string first = ReadFile(files.figure.string());
  EXPECT_NE(first.find("<svg"), std::string::npos);
  EXPECT_NE(first.find("energy efficiency (GOPS/W)"), std::string::npos);
  EXPECT_NE(first.find(">560<"), std::string::npos) << "the N=128 lsb bar's value is annotated";
  fs::remove(files.figure);
  const ToolRun again = RunTool({"gnuplot", "dpu.gp"}, tmp.path());
  ASSERT_TRUE(again.Succeeded()) << again.output;
  EXPECT_EQ(ReadFile(files.figure.string()), first);
}

TEST(PlotRender, PngAndPdfAreRealImages) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  RenderPlot(store, {PlotKind::kQat, id, "", "", ""}, tmp.path() / "qat.png");
  RenderPlot(store, {PlotKind::kCurves, id, "", "", ""}, tmp.path() / "curves.pdf");
  EXPECT_EQ(ReadFile((tmp.path() / "qat.png").string()).substr(1, 3), "PNG");
  EXPECT_EQ(ReadFile((tmp.path() / "curves.pdf").string()).substr(0, 5), "%PDF-");
}

TEST(PlotRender, HostileSweepNamesAreTextOrRefused) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const std::string name = "q'x\\ `touch pwned` system('touch pwned') <script>";
  const int64_t id = testing::AddLab2Sweep(store, name);
  RenderPlot(store, {PlotKind::kQat, id, "", "", ""}, tmp.path() / "qat.svg");
  EXPECT_FALSE(fs::exists(tmp.path() / "pwned"));
  const std::string svg = ReadFile((tmp.path() / "qat.svg").string());
  EXPECT_NE(svg.find("q'x\\ `touch pwned` system('touch pwned') &lt;script"), std::string::npos);
  const int64_t newline = testing::AddLab2Sweep(store, "two\nlines");
  const std::string e = ErrorOf([&] {
    RenderPlot(store, {PlotKind::kQat, newline, "", "", ""}, tmp.path() / "nl.svg");
  });
  EXPECT_NE(e.find("control character"), std::string::npos) << e;
}

}  // namespace
}  // namespace labq::viz
