#include "results/table.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq {
namespace {

Table Sample() {
  Table t;
  t.headers = {"name", "value"};
  t.AddRow({"plain", "1.5"}, {"plain", 1.5});
  t.AddRow({"with,comma", "2"}, {"with,comma", 2});
  t.AddRow({"say \"hi\"\nbye", ""}, {"say \"hi\"\nbye", nullptr});
  return t;
}

TEST(Table, CsvFollowsRfc4180) {
  EXPECT_EQ(RenderCsv(Sample()),
            "name,value\r\nplain,1.5\r\n\"with,comma\",2\r\n\"say \"\"hi\"\"\nbye\",\r\n");
}

TEST(Table, JsonKeepsNumbersAsNumbers) {
  auto rows = nlohmann::json::parse(RenderJson(Sample()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["value"], 1.5);
  EXPECT_TRUE(rows[2]["value"].is_null());
}

TEST(Table, TextAlignsColumns) {
  EXPECT_EQ(RenderText(Sample()),
            "name          value\n"
            "------------  -----\n"
            "plain           1.5\n"
            "with,comma        2\n"
            "say \"hi\" bye\n");
}

TEST(Table, SiPrefixes) {
  EXPECT_EQ(FormatSi(3.433e9), "3.433G");
  EXPECT_EQ(FormatSi(49.48e9), "49.48G");
  EXPECT_EQ(FormatSi(0.0123), "12.30m");
  EXPECT_THROW(ParseTableFormat("xml"), Error);
}

}  // namespace
}  // namespace labq
