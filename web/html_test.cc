#include "web/html.h"

#include <gtest/gtest.h>

namespace labq::web {
namespace {

TEST(WebHtml, EscapesElementAndAttributeContext) {
  EXPECT_EQ(HtmlEscape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  EXPECT_EQ(HtmlEscape("a\" onmouseover=\"x"), "a&quot; onmouseover=&quot;x");
  EXPECT_EQ(HtmlEscape("R&D"), "R&amp;D");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

TEST(WebHtml, UrlEncodesEverythingButUnreserved) {
  EXPECT_EQ(UrlEncode("a b/c?d=e&f"), "a%20b%2Fc%3Fd%3De%26f");
  EXPECT_EQ(UrlEncode("x-y_z.1~"), "x-y_z.1~");
  EXPECT_EQ(UrlEncode("\"<"), "%22%3C");
}

TEST(WebHtml, PageEscapesTitleAndHasNoInlineScript) {
  const std::string page = Page("<b>", "<p>body</p>");
  EXPECT_NE(page.find("<title>&lt;b&gt; - labq</title>"), std::string::npos);
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("<script src=\"/static/app.js\" defer></script>"), std::string::npos);
}

TEST(WebHtml, ScriptStopsPollingAtTheFinalStatesOfTheTable) {
  EXPECT_NE(AppScript().find("const terminal = new Set(['done', 'cached', 'failed', 'timeout', "
                             "'skipped', 'cancelled']);"),
            std::string::npos);
}

TEST(WebHtml, FormatsEta) {
  EXPECT_EQ(FormatEta(-1), "unknown");
  EXPECT_EQ(FormatEta(0), "-");
  EXPECT_EQ(FormatEta(42), "42s");
  EXPECT_EQ(FormatEta(192), "3m 12s");
  EXPECT_EQ(FormatEta(3900), "1h 05m");
}

}  // namespace
}  // namespace labq::web
