#include "results/table.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq {
namespace {

Table Sample() {
  Table t;
  t.columns = {{"name", ""}, {"slack_ns", "ns"}};
  t.AddRow({"plain", 105.02019999999999});
  t.AddRow({"with,comma", 0.4399999999999977});
  t.AddRow({"say \"hi\"\nbye", nullptr});
  t.AddRow({"tiny|bar", 0.0003});
  return t;
}

TEST(Table, CsvFollowsRfc4180AndRoundsFloatNoise) {
  EXPECT_EQ(RenderCsv(Sample()),
            "name,slack_ns\r\nplain,105.02\r\n\"with,comma\",0.44\r\n\"say \"\"hi\"\"\nbye\","
            "\r\ntiny|bar,0.0003\r\n");
  EXPECT_EQ(RenderCsv(Sample(), 2),
            "name,slack_ns\r\nplain,110\r\n\"with,comma\",0.44\r\n"
            "\"say \"\"hi\"\"\nbye\",\r\ntiny|bar,0.0003\r\n");
}

TEST(Table, JsonRowsKeepColumnOrderAndUnits) {
  Table t;
  t.columns = {{"zeta", ""}, {"alpha_ns", "ns"}};
  t.AddRow({"z", 1.23456789});
  const std::string text = RenderJson(t, 3);
  EXPECT_LT(text.find("\"zeta\": \"z\""), text.find("\"alpha_ns\": 1.23"));
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["columns"][1]["unit"], "ns");
  EXPECT_DOUBLE_EQ(j["rows"][0]["alpha_ns"].get<double>(), 1.23);
  auto sample = nlohmann::json::parse(RenderJson(Sample()));
  EXPECT_TRUE(sample["rows"][2]["slack_ns"].is_null());
}

TEST(Table, TextAlignsColumnsAndShowsSmallValues) {
  EXPECT_EQ(RenderText(Sample()),
            "name          slack_ns\n"
            "------------  --------\n"
            "plain              105\n"
            "with,comma        0.44\n"
            "say \"hi\" bye\n"
            "tiny|bar        0.0003\n");
}

TEST(Table, MarkdownAndLatexEscapeAndAlign) {
  EXPECT_EQ(RenderMarkdown(Sample()),
            "| name | slack_ns |\n| --- | ---: |\n| plain | 105 |\n| with,comma | 0.44 |\n"
            "| say \"hi\" bye |  |\n| tiny\\|bar | 0.0003 |\n");
  const std::string tex = RenderLatex(Sample());
  EXPECT_NE(tex.find("\\begin{tabular}{lr}"), std::string::npos);
  EXPECT_NE(tex.find("name & slack\\_ns \\\\"), std::string::npos);
}

TEST(Table, SignificantDigitsAndPrefixes) {
  EXPECT_EQ(FormatNumber(3.433e9), "3.433G");
  EXPECT_EQ(FormatNumber(49.48e9), "49.48G");
  EXPECT_EQ(FormatNumber(0.0003), "0.0003");
  EXPECT_EQ(FormatNumber(100.0), "100");
  EXPECT_EQ(FormatNumber(3.7912, 3), "3.79");
  EXPECT_EQ(FormatNumber(12346.0), "12350");
  EXPECT_EQ(FormatNumber(-0.00001234), "-1.234e-05");
  EXPECT_DOUBLE_EQ(RoundSignificant(105.02019999999999, 6), 105.02);
  EXPECT_THROW(ParseTableFormat("xml"), Error);
  EXPECT_THROW(Render(Sample(), {TableFormat::kCsv, 0, {}}), Error);
}

}  // namespace
}  // namespace labq
