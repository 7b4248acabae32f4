#include "results/json_pick.h"

#include <gtest/gtest.h>

#include <random>

#include "common/error.h"

namespace labq {
namespace {

/// What PickKeys must equal: the keys picked out of a full parse.
nlohmann::json Reference(const std::string& text, const std::vector<std::string>& keys) {
  const auto all = nlohmann::json::parse(text);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& key : keys) {
    if (all.contains(key)) out[key] = all[key];
  }
  return out;
}

TEST(JsonPick, PicksScalarsAndNestedValuesExactly) {
  const std::string text =
      R"({"n": 8, "mode":"msb", "argv": ["a", "b,}]\"", {"x": [1, {"y": "}"}]}],)"
      R"( "rate": 0.2, "big": 12345678901234, "neg": -1.5e-3, "on": true, "none": null,)"
      R"( "s": "tab\tquote\" brace}", "empty": {}, "list": []})";
  const std::vector<std::string> keys = {"n",  "mode", "argv", "rate",  "big", "neg",
                                         "on", "none", "s",    "empty", "list"};
  EXPECT_EQ(PickKeys(text, keys), Reference(text, keys));
  EXPECT_EQ(PickKeys(text, {"rate"}), nlohmann::json({{"rate", 0.2}}));
  EXPECT_TRUE(PickKeys(text, {"absent"}).empty());
  EXPECT_TRUE(PickKeys("{}", {"n"}).empty());
  EXPECT_TRUE(PickKeys(" { } ", {"n"}).empty());
}

TEST(JsonPick, ReadsValuesAsParseDoes) {
  for (const char* value : {"5",
                            "0",
                            "-5",
                            "-0",
                            "0.2",
                            "-0.0",
                            "1e3",
                            "1E-3",
                            "2.5e+2",
                            "12345678901234567890",
                            "-9223372036854775808",
                            "1.7976931348623157e308",
                            "4.9e-324",
                            "\"osu018\"",
                            "\"\"",
                            "\"caf\u00e9\"",
                            "\"tab\\t\"",
                            "\"/pdk/lib/x.lib\"",
                            "true",
                            "false",
                            "null",
                            "[1, 2]",
                            "{\"a\": 1}"}) {
    const std::string text = std::string("{\"v\": ") + value + " }";
    const auto picked = PickKeys(text, {"v"});
    const auto parsed = nlohmann::json::parse(text);
    EXPECT_EQ(picked, parsed) << value;
    EXPECT_EQ(picked["v"].type(), parsed["v"].type()) << value;
    EXPECT_EQ(picked["v"].dump(), parsed["v"].dump()) << value;
  }
  for (const char* bad : {"05", "-", "1.", ".5", "+1", "1e", "0x10", "tru", "\"a"}) {
    EXPECT_ANY_THROW(PickKeys(std::string("{\"v\": ") + bad + "}", {"v"})) << bad;
  }
}

TEST(JsonPick, KeepsTypes) {
  const auto picked = PickKeys(R"({"i": 5, "f": 5.0, "s": "5"})", {"i", "f", "s"});
  EXPECT_TRUE(picked["i"].is_number_integer());
  EXPECT_TRUE(picked["f"].is_number_float());
  EXPECT_TRUE(picked["s"].is_string());
}

TEST(JsonPick, AgreesWithParseOnRandomDocuments) {
  std::mt19937 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::function<nlohmann::json(int)> value = [&](int depth) -> nlohmann::json {
    switch (pick(depth > 2 ? 5 : 7)) {
      case 0:
        return pick(1000) - 500;
      case 1:
        return pick(1000) / 7.0;
      case 2:
        return std::string(1, "a\",}]{[\\\n"[pick(9)]) + "x";
      case 3:
        return pick(2) == 0;
      case 4:
        return nullptr;
      case 5: {
        nlohmann::json a = nlohmann::json::array();
        for (int i = pick(4); i > 0; --i) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        nlohmann::json o = nlohmann::json::object();
        for (int i = pick(4); i > 0; --i) o["k" + std::to_string(pick(6))] = value(depth + 1);
        return o;
      }
    }
  };
  const std::vector<std::string> keys = {"k0", "k2", "k5"};
  for (int i = 0; i < 500; ++i) {
    nlohmann::json doc = nlohmann::json::object();
    for (int k = pick(8); k > 0; --k) doc["k" + std::to_string(pick(6))] = value(1);
    const std::string text = doc.dump(pick(2) ? -1 : 2);
    ASSERT_EQ(PickKeys(text, keys), Reference(text, keys)) << text;
  }
}

TEST(JsonPick, RefusesBrokenStructureAndEscapedKeys) {
  for (const char* bad : {"", "[1]", "{", "{\"a\" 1}", "{\"a\": 1", "{\"a\": 1,}", "{\"a\": [1}",
                          "{\"a\": \"open}", "{\"a\": 1} x", "{\"\\u0061\": 1}", "{\"a\":}"}) {
    EXPECT_ANY_THROW(PickKeys(bad, {"a"})) << bad;  // labq::Error or json's parse_error
  }
}

}  // namespace
}  // namespace labq
