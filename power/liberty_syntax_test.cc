#include "power/liberty_syntax.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq::power {
namespace {

TEST(LibertySyntax, GroupsSimpleAndComplexAttributes) {
  const LibertyGroup lib = ParseLibertySyntax(R"(
library (demo) {
  /* a comment
     over lines */
  time_unit : "1ns" ;   // trailing comment
  capacitive_load_unit (1, pf);
  nom_voltage : 1.8
  cell (INV) {
    area : 2;
    pin (A) { direction : input; capacitance : 0.01; }
  }
}
)",
                                              "demo.lib");
  EXPECT_EQ(lib.type, "library");
  EXPECT_EQ(lib.Name(), "demo");
  ASSERT_NE(lib.Value("time_unit"), nullptr);
  EXPECT_EQ(*lib.Value("time_unit"), "1ns");
  const LibertyAttribute* cap = lib.Find("capacitive_load_unit");
  ASSERT_NE(cap, nullptr);
  EXPECT_TRUE(cap->complex);
  EXPECT_EQ(cap->values, (std::vector<std::string>{"1", "pf"}));
  EXPECT_EQ(*lib.Value("nom_voltage"), "1.8");  // no `;` at the line's end
  ASSERT_EQ(lib.groups.size(), 1u);
  const LibertyGroup& cell = lib.groups[0];
  EXPECT_EQ(cell.type, "cell");
  EXPECT_EQ(cell.line, 8);
  EXPECT_EQ(cell.groups.at(0).Name(), "A");
  EXPECT_EQ(*cell.groups.at(0).Value("capacitance"), "0.01");
}

TEST(LibertySyntax, ContinuationsJoinTableRows) {
  const LibertyGroup lib = ParseLibertySyntax(
      "library (x) {\n  values (\"1, 2\", \\\n    \"3, 4\");\n  index_1 (\"0.1, \\\n0.2\");\n}\n",
      "x.lib");
  const LibertyAttribute* values = lib.Find("values");
  ASSERT_NE(values, nullptr);
  EXPECT_EQ(values->values, (std::vector<std::string>{"1, 2", "3, 4"}));
  EXPECT_EQ(*lib.Value("index_1"), "0.1, 0.2");
}

TEST(LibertySyntax, MalformedInputNamesFileAndLine) {
  try {
    ParseLibertySyntax("library (x) {\n  cell (A) {\n    area : ;\n  }\n}\n", "bad.lib");
    FAIL() << "accepted a missing value";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, "bad.lib");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("missing value for 'area'"), std::string::npos);
  }
  try {
    ParseLibertySyntax("library (x) {\n  cell (A) {\n    area : 1;\n", "open.lib");
    FAIL() << "accepted an unclosed group";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing '}' closing 'cell' opened on line 2"),
              std::string::npos);
  }
  EXPECT_THROW(ParseLibertySyntax("library (x) { /* never closed", "c.lib"), InputError);
  EXPECT_THROW(ParseLibertySyntax("library (x) { a : \"open }", "s.lib"), InputError);
}

}  // namespace
}  // namespace labq::power
