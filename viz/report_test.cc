#include "viz/report.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "tests/test_paths.h"
#include "viz/viz_testing.h"

namespace labq::viz {
namespace {

namespace fs = std::filesystem;
using labq::testing::TempDir;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(HtmlEscape, EscapesTheFiveSpecials) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(InlineSvg, DropsThePrologAndPrefixesIds) {
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg><defs><path id='gpPt0'/></defs>"
      "<use xlink:href='#gpPt0'/><g style=\"fill:url(#grad)\" id=\"c\"/></svg>";
  EXPECT_EQ(InlineSvg(svg, "f1_"),
            "<svg><defs><path id='f1_gpPt0'/></defs><use xlink:href='#f1_gpPt0'/>"
            "<g style=\"fill:url(#f1_grad)\" id=\"f1_c\"/></svg>");
  EXPECT_THROW(InlineSvg("<html></html>", "p"), Error);
}

TEST(Report, ScriptSweepNameIsEscapedInHtmlAndMarkdown) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "<script>alert(1)</script>");
  const ReportFiles files =
      WriteReport(store, {id, tmp.path() / "report", {{"gnuplot", "--version"}}});
  const std::string html = ReadFile(files.html.string());
  const std::string md = ReadFile(files.markdown.string());
  EXPECT_EQ(html.find("<script"), std::string::npos) << "a sweep name reached the page as markup";
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // Raw only inside the YAML code fence, where Markdown shows text as text.
  const size_t fence = md.find("```yaml\n");
  ASSERT_NE(fence, std::string::npos);
  const size_t fence_end = md.find("```", fence + 3);
  EXPECT_EQ(md.substr(0, fence).find("<script"), std::string::npos);
  EXPECT_EQ(md.substr(fence_end).find("<script"), std::string::npos);
  EXPECT_NE(md.find("&lt;script&gt;"), std::string::npos);
  // The stored YAML's own markup is text too.
  EXPECT_NE(html.find("# &lt;b&gt;not bold&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>not bold"), std::string::npos);
}

TEST(Report, HoldsTablesInlineFiguresYamlVersionsAndMethods) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const ReportFiles files = WriteReport(
      store, {id, tmp.path() / "out", {{"gnuplot", "--version"}, {"labq-no-such-tool"}}});
  ASSERT_EQ(files.figures.size(), 3u);  // dpu, qat, curves
  for (const auto& f : files.figures) EXPECT_TRUE(fs::exists(f)) << f;
  const std::string html = ReadFile(files.html.string());
  EXPECT_EQ(Count(html, "<svg"), 3u);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos) << "the page must be self-contained";
  EXPECT_NE(html.find("q8 cut naively to 4-bit"), std::string::npos);
  EXPECT_NE(html.find("name: lab2"), std::string::npos) << "the sweep YAML";
  EXPECT_NE(html.find("gnuplot 5"), std::string::npos) << "gnuplot's version line";
  EXPECT_NE(html.find("not installed"), std::string::npos);
  EXPECT_NE(html.find("OPS = 2·N·f"), std::string::npos);
  const std::string md = ReadFile(files.markdown.string());
  EXPECT_NE(md.find("![dpu figure](dpu.svg)"), std::string::npos);
  EXPECT_NE(md.find("| pure 8-bit QAT |"), std::string::npos) << md;
  EXPECT_NE(md.find("```yaml\nname: lab2\n"), std::string::npos);
}

TEST(Report, IncludesTheCodesignFigureWhenTheSweepHasHwEvalRows) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddCodesignSweep(store, "cd");
  const ReportFiles files =
      WriteReport(store, {id, tmp.path() / "out", {{"gnuplot", "--version"}}});
  const fs::path svg = tmp.path() / "out" / "codesign.svg";
  EXPECT_NE(std::find(files.figures.begin(), files.figures.end(), svg), files.figures.end());
  EXPECT_TRUE(fs::exists(tmp.path() / "out" / "codesign.gp"));
  for (const auto& s : files.skipped) EXPECT_EQ(s.rfind("codesign", 0), std::string::npos) << s;
  const std::string html = ReadFile(files.html.string());
  EXPECT_NE(html.find("<h2>Co-design: accuracy on the DPU vs OPS/W</h2>"), std::string::npos);
  EXPECT_NE(html.find("Pareto front (accuracy vs OPS/W)"), std::string::npos) << "inline figure";
  EXPECT_NE(html.find("<th>pareto</th>"), std::string::npos) << "the slide table";
  const std::string md = ReadFile(files.markdown.string());
  EXPECT_NE(md.find("![codesign figure](codesign.svg)"), std::string::npos) << md;
  EXPECT_NE(md.find("| pareto |"), std::string::npos) << md;
}

TEST(Report, SweepWithoutHwEvalRowsListsCodesignAsNotDrawn) {
  LABQ_REQUIRE_GNUPLOT();
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  const ReportFiles files =
      WriteReport(store, {id, tmp.path() / "out", {{"gnuplot", "--version"}}});
  std::vector<std::string> codesign;
  for (const auto& s : files.skipped) {
    if (s.rfind("codesign: ", 0) == 0) codesign.push_back(s);
  }
  ASSERT_EQ(codesign.size(), 1u);
  EXPECT_NE(codesign[0].find("sweep 'lab2'"), std::string::npos) << codesign[0];
  EXPECT_NE(codesign[0].find("no hw_eval jobs"), std::string::npos) << codesign[0];
  EXPECT_FALSE(fs::exists(tmp.path() / "out" / "codesign.svg"));
  const std::string html = ReadFile(files.html.string());
  EXPECT_EQ(html.find("<h2>Co-design"), std::string::npos);
  EXPECT_NE(html.find("no hw_eval jobs"), std::string::npos) << "under Figures not drawn";
}

TEST(Report, RefusesASweepWithNoFinishedJobs) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "waiting", false);
  try {
    WriteReport(store, {id, tmp.path() / "out", {}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no finished jobs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("queued 9"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

TEST(Report, UnwritableOutNamesTheFolder) {
  TempDir tmp;
  ResultStore store((tmp.path() / "r.db").string());
  const int64_t id = testing::AddLab2Sweep(store, "lab2");
  WriteFileAtomically(tmp.path() / "file", "x");
  for (const fs::path& out :
       {tmp.path() / "file", tmp.path() / "file" / "sub", tmp.path() / "missing" / "sub"}) {
    try {
      WriteReport(store, {id, out, {}});
      FAIL() << out;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace labq::viz
