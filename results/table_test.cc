#include "results/table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

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
  EXPECT_EQ(FormatNumber(999.96, 4), "1000");
  EXPECT_EQ(FormatNumber(999999.6, 6), "1M");
  EXPECT_EQ(FormatNumber(0.000099996, 4), "0.0001");
  EXPECT_EQ(FormatNumber(-12.5, 2), "-12");  // the tie rounds to even, as %.1e does
  EXPECT_EQ(FormatNumber(0.5, 1), "0.5");
  EXPECT_EQ(FormatNumber(1e-300), "1e-300");
  EXPECT_THROW(ParseTableFormat("xml"), Error);
  EXPECT_THROW(Render(Sample(), {TableFormat::kCsv, 0, {}}), Error);
}

/// FormatNumber's plain range as printf would print it: round to `digits`
/// significant digits, then %.*f with the decimals those digits need.
std::string PrintfReference(double value, int digits) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, value);
  const double r = std::strtod(buffer, nullptr);
  const int exponent = static_cast<int>(std::floor(std::log10(std::fabs(r))));
  std::snprintf(buffer, sizeof buffer, "%.*f", std::max(0, digits - 1 - exponent), r);
  std::string out = buffer;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

TEST(Table, FormatNumberMatchesPrintfOverThePlainRange) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> exponent(-4.0, 6.0);
  for (int i = 0; i < 20000; ++i) {
    const double value = (i % 2 ? -1 : 1) * std::pow(10.0, exponent(rng));
    const int digits = 1 + i % 17;
    char check[64];
    std::snprintf(check, sizeof check, "%.*e", digits - 1, value);
    const double rounded = std::fabs(std::strtod(check, nullptr));
    if (rounded < 1e-4 || rounded >= 1e6) continue;  // SI prefixes or e-notation instead
    ASSERT_EQ(FormatNumber(value, digits), PrintfReference(value, digits))
        << value << " to " << digits << " digits";
  }
}

TEST(Table, ALongTableFormattedOnTwoThreadsKeepsEveryCellInItsRow) {
  Table t;  // over kParallelRows (table.cc): the halves are formatted in parallel
  t.columns = {{"i", ""}, {"half", ""}, {"name", ""}};
  const int rows = 5001;
  for (int i = 0; i < rows; ++i) t.Add(i, i * 0.5, "r" + std::to_string(i));
  const std::string text = RenderText(t);
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // rule
  for (int i = 0; i < rows; ++i) {
    ASSERT_TRUE(std::getline(lines, line)) << i;
    std::istringstream cells(line);
    std::string a, b, c;
    cells >> a >> b >> c;
    ASSERT_EQ(a, std::to_string(i));
    ASSERT_EQ(b, FormatNumber(i * 0.5));
    ASSERT_EQ(c, "r" + std::to_string(i));
  }
  EXPECT_FALSE(std::getline(lines, line));
}

}  // namespace
}  // namespace labq
