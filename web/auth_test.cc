#include "web/auth.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq::web {
namespace {

TEST(WebAuth, ParsesAddresses) {
  auto a = ParseHttpAddress("127.0.0.1:8080");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8080);
  a = ParseHttpAddress("[::1]:0");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 0);
  EXPECT_THROW(ParseHttpAddress("127.0.0.1"), Error);
  EXPECT_THROW(ParseHttpAddress("::1:80"), Error);
  EXPECT_THROW(ParseHttpAddress("host:99999"), Error);
  EXPECT_THROW(ParseHttpAddress("host:8o"), Error);
  try {
    ParseHttpAddress("nowhere", "--http");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--http: 'nowhere' has no port"), std::string::npos);
  }
}

TEST(WebAuth, LoopbackOnlyWithoutToken) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.8.9.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.5"));
  EXPECT_FALSE(IsLoopbackHost("example.org"));
  EXPECT_NO_THROW(RequireTokenBeyondLoopback({"127.0.0.1", 8080}, ""));
  EXPECT_NO_THROW(RequireTokenBeyondLoopback({"0.0.0.0", 8080}, "s3cret"));
  try {
    RequireTokenBeyondLoopback({"0.0.0.0", 8080}, "");
    FAIL() << "a non-loopback address without a token must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--token"), std::string::npos) << e.what();
  }
}

TEST(WebAuth, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc123", "abc123"));
  EXPECT_FALSE(ConstantTimeEquals("abc124", "abc123"));
  EXPECT_FALSE(ConstantTimeEquals("abc12", "abc123"));
  EXPECT_FALSE(ConstantTimeEquals("abc1234", "abc123"));
  EXPECT_FALSE(ConstantTimeEquals("", "abc123"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("abc123\0", 7), "abc123"));
}

TEST(WebAuth, OfferedTokenFromHeaderQueryOrCookie) {
  EXPECT_EQ(OfferedToken("Bearer t1", std::nullopt, ""), "t1");
  EXPECT_EQ(OfferedToken("", std::string("t2"), ""), "t2");
  EXPECT_EQ(OfferedToken("", std::nullopt, "a=b; labq_token=t3; c=d"), "t3");
  EXPECT_EQ(OfferedToken("Basic xyz", std::nullopt, "x_labq_token=t4"), std::nullopt);
  EXPECT_TRUE(IsLoopbackHostHeader("127.0.0.1:8080"));
  EXPECT_TRUE(IsLoopbackHostHeader("localhost"));
  EXPECT_TRUE(IsLoopbackHostHeader("[::1]:80"));
  EXPECT_FALSE(IsLoopbackHostHeader("evil.example:8080"));
  EXPECT_FALSE(IsLoopbackHostHeader(""));
}

}  // namespace
}  // namespace labq::web
