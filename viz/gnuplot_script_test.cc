#include "viz/gnuplot_script.h"

#include <gtest/gtest.h>

#include <regex>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "tests/test_paths.h"
#include "viz/plot.h"
#include "viz/run_tool.h"
#include "viz/viz_testing.h"

namespace labq::viz {
namespace {

namespace fs = std::filesystem;

TEST(GnuplotQuote, DoublesQuotesAndKeepsEverythingElseLiteral) {
  EXPECT_EQ(GnuplotQuote("it's", "t"), "'it''s'");
  EXPECT_EQ(GnuplotQuote("a\\b `id` system(\"id\") @m", "t"), "'a\\b `id` system(\"id\") @m'");
  EXPECT_EQ(GnuplotQuote("", "t"), "''");
  // gnuplot misreads a literal that opens with a doubled quote.
  EXPECT_EQ(GnuplotQuote("'a'", "t"), "(\"'\" . 'a''')");
  EXPECT_EQ(GnuplotQuote("''", "t"), "(\"''\" . '')");
}

TEST(GnuplotQuote, RefusesControlCharactersNamingTheField) {
  try {
    GnuplotQuote("two\nlines", "sweep name");
    FAIL() << "a newline was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("sweep name"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0x0a"), std::string::npos) << e.what();
  }
  EXPECT_THROW(GnuplotQuote("bell\a", "t"), Error);
  EXPECT_THROW(GnuplotQuote("del\x7f", "t"), Error);
}

TEST(ImageFormatFor, KnowsSvgPngPdfAndNamesTheFileOtherwise) {
  EXPECT_EQ(ImageFormatFor("a/b.SVG"), ImageFormat::kSvg);
  EXPECT_EQ(ImageFormatFor("b.png"), ImageFormat::kPng);
  EXPECT_EQ(ImageFormatFor("b.pdf"), ImageFormat::kPdf);
  try {
    ImageFormatFor("out/fig.jpg");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("out/fig.jpg"), std::string::npos);
  }
}

/// Titles built to break out of a gnuplot string, run through real gnuplot:
/// nothing may execute, and the text must arrive in the SVG as written.
TEST(GnuplotScript, HostileTextIsDrawnAsTextByRealGnuplot) {
  LABQ_REQUIRE_GNUPLOT();
  labq::testing::TempDir tmp;
  const fs::path marker = tmp.path() / "pwned";
  const std::string hostile = "it's \\ `touch pwned` system(\"touch pwned\") @evil <script>";
  Figure f;
  f.title = hostile;
  Panel p;
  p.style = PanelStyle::kBars;
  p.categories = {"x'; system('touch pwned'); '", "`touch pwned`"};
  p.ylabel = "y \\";
  Series s;
  s.title = "' . system('touch pwned') . '";
  s.points = {{0, 1, "1"}, {1, 2, "2"}};
  p.series.push_back(s);
  f.panels.push_back(p);
  DrawFigure(f, tmp.path() / "hostile.svg", hostile);
  EXPECT_FALSE(fs::exists(marker)) << "gnuplot ran a command from a title";
  const std::string svg = ReadFile((tmp.path() / "hostile.svg").string());
  EXPECT_NE(svg.find("it's \\ `touch pwned` system(\"touch pwned\") @evil &lt;script"),
            std::string::npos)
      << svg.substr(0, 3000);
  EXPECT_NE(svg.find("' . system('touch pwned') . '"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

/// Keys below the panels, drawn by real gnuplot: every key entry lies under
/// the x labels (outside both plot areas), whatever the curves do.
TEST(GnuplotScript, KeysBelowSitUnderTheAxisLabels) {
  LABQ_REQUIRE_GNUPLOT();
  labq::testing::TempDir tmp;
  Figure f;
  f.title = "two panels";
  for (int panel = 0; panel < 2; ++panel) {
    Panel p;
    p.xlabel = "xlabel" + std::to_string(panel);
    p.key_place = Panel::KeyPlace::kBelow;
    // Curves through every corner: no inside place would be free.
    for (int i = 0; i < 3 + 2 * panel; ++i) {
      p.series.push_back({"key" + std::to_string(panel) + "_" + std::to_string(i),
                          {{0, 0, ""}, {1, 1, ""}, {2, 0, ""}, {3, 1, ""}},
                          i,
                          1});
    }
    f.panels.push_back(p);
  }
  const auto files = BuildGnuplot(f, ImageFormat::kSvg, "k.svg", "k.dat", "about");
  EXPECT_NE(files.script.find("margins 0.08,0.97,0.3,0.84"), std::string::npos) << files.script;
  DrawFigure(f, tmp.path() / "k.svg", "keys below");
  const std::string svg = ReadFile((tmp.path() / "k.svg").string());
  const std::regex text(R"(translate\(([0-9.]+),([0-9.]+)\)[^>]*>\s*<text>([a-z0-9_]+)</text>)");
  double lowest_xlabel = 0;
  std::vector<double> keys;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator();
       ++it) {
    const double y = std::stod((*it)[2]);
    const std::string t = (*it)[3];
    if (t.rfind("xlabel", 0) == 0) lowest_xlabel = std::max(lowest_xlabel, y);
    if (t.rfind("key", 0) == 0) keys.push_back(y);
  }
  ASSERT_GT(lowest_xlabel, 0) << svg.substr(0, 2000);
  ASSERT_EQ(keys.size(), 8u);
  for (double y : keys) EXPECT_GT(y, lowest_xlabel + 10) << "a key entry is not below the axes";
}

TEST(GnuplotScript, CrowdedEndNotesAreSpreadApartAndOthersStay) {
  Figure f;
  Panel p;
  // Final losses 0.208 and 0.223 on a 0..1 axis: their notes would overlap.
  p.series.push_back({"a", {{0, 1, ""}, {5, 0.208, "0.208"}}, 0, 1});
  p.series.push_back({"b", {{0, 0.9, ""}, {5, 0.223, "0.223"}}, 1, 1});
  p.series.push_back({"c", {{0, 0.8, ""}, {5, 0.6, "0.6"}}, 2, 1});
  f.panels.push_back(p);
  const std::string script = BuildGnuplot(f, ImageFormat::kSvg, "x.svg", "x.dat", "about").script;
  // Gap 0.06 of the 0.208..1 span, around their mean 0.2155.
  EXPECT_NE(script.find("index 0 using 1:($2 + -0.01626):3 with labels"), std::string::npos)
      << script;
  EXPECT_NE(script.find("index 1 using 1:($2 + 0.01626):3 with labels"), std::string::npos)
      << script;
  EXPECT_NE(script.find("index 2 using 1:2:3 with labels"), std::string::npos) << script;
}

TEST(GnuplotScript, DataFileHoldsOnlyNumbersAndNotes) {
  Figure f;
  Panel p;
  p.style = PanelStyle::kLines;
  p.series.push_back({"a\"b", {{1, 2.5, "2.5"}, {2, 3, ""}}, 0, 1});
  f.panels.push_back(p);
  const auto files = BuildGnuplot(f, ImageFormat::kSvg, "x.svg", "x.dat", "about");
  EXPECT_EQ(files.data, "1\t2.5\t\"2.5\"\n2\t3\t\"\"\n\n\n");
  EXPECT_NE(files.script.find("title 'a\"b'"), std::string::npos) << files.script;
  EXPECT_NE(files.script.find("set output 'x.svg'"), std::string::npos);
}

/// A scatter's notes never pile up: twelve points on one spot get at most
/// the eight places around it, and none lands on the reference line.
TEST(GnuplotScript, ScatterNotesLeaveOutWhatWouldCoverAnotherNote) {
  Panel p;
  p.style = PanelStyle::kScatter;
  p.x_min = 0;
  p.x_max = 10;
  p.y_min = 0;
  p.y_max = 10;
  Series crowd;
  for (int i = 0; i < 12; ++i) crowd.points.push_back({5, 5, "N=" + std::to_string(i)});
  Series lone;
  lone.points.push_back({1, 9, "alone"});
  Series front;
  front.staircase = true;
  front.points = {{5, 5, ""}, {1, 9, ""}};
  p.series = {front, crowd, lone};
  p.references.push_back({2, "reference at two", 3});
  Figure f;
  f.title = "crowd";
  f.panels.push_back(p);
  const GnuplotFiles g = BuildGnuplot(f, ImageFormat::kSvg, "c.svg", "c.dat", "test");
  int notes = 0;
  for (const auto& line : SplitLines(g.data)) notes += Contains(line, "\"N=");
  EXPECT_GE(notes, 2);
  EXPECT_LE(notes, 8);
  EXPECT_NE(g.data.find("\"alone\""), std::string::npos);
  EXPECT_NE(g.script.find("with fsteps"), std::string::npos);
  EXPECT_NE(g.script.find("set label 'reference at two'"), std::string::npos) << g.script;
  EXPECT_NE(g.script.find("2 with lines lw 2 dt (3,6)"), std::string::npos) << g.script;
  // The staircase's points in x order, whatever order the series gave.
  EXPECT_NE(g.data.find("1\t9\t\"\"\n5\t5\t\"\"\n"), std::string::npos) << g.data;
}

/// A scatter over more than a decade of x: a log axis, notes placed in its
/// geometry, drawn by real gnuplot in both renderers' formats.
TEST(GnuplotScript, LogScatterIsDrawnBySvgAndCairo) {
  LABQ_REQUIRE_GNUPLOT();
  labq::testing::TempDir tmp;
  Panel p;
  p.style = PanelStyle::kScatter;
  p.log_x = true;
  Series s;
  s.marker = Marker::kDiamond;
  s.hollow = true;
  for (double x : {1.0, 10.0, 100.0, 1000.0}) s.points.push_back({x, x / 10, "x"});
  p.series.push_back(s);
  p.key.push_back({"heading", std::nullopt, false, 7});
  p.key.push_back({"open diamond", Marker::kDiamond, true, 7});
  Figure f;
  f.title = "log";
  f.panels.push_back(p);
  for (const char* name : {"log.svg", "log.png"}) {
    const PlotFiles files = DrawFigure(f, tmp.path() / name, "test");
    const std::string script = ReadFile(files.script.string());
    EXPECT_NE(script.find("set logscale x 10"), std::string::npos) << script;
    EXPECT_NE(script.find("pt 12 "), std::string::npos) << "an open diamond\n" << script;
    EXPECT_GT(fs::file_size(files.figure), 1000u) << name;
  }
  EXPECT_NE(ReadFile((tmp.path() / "log.svg").string()).find("open diamond"), std::string::npos);
}

}  // namespace
}  // namespace labq::viz
