#include "yosys_sta/opensta_cell_counts.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq::yosys_sta {
namespace {

TEST(OpenStaCellCounts, ReadsRegistersCellsAndTheirDifference) {
  const ParsedReport r = ParseOpenStaCellCounts("registers 19\ncells 5036\n", "c.rpt");
  EXPECT_EQ(r.Get("registers"), 19);
  EXPECT_EQ(r.Get("cells"), 5036);
  EXPECT_EQ(r.Get("combinational"), 5017);
  EXPECT_EQ(r.values.at("cells").line, 2);
}

TEST(OpenStaCellCounts, BadLinesAreNamedWithFileAndLine) {
  auto message = [](const std::string& text) {
    try {
      ParseOpenStaCellCounts(text, "c.rpt");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("registers 2\ncells x\n"), "c.rpt:2: cells: not a count: 'x'");
  EXPECT_EQ(message("registers 2.5\ncells 3\n"), "c.rpt:1: registers: not a count: '2.5'");
  EXPECT_EQ(message("registers 2\nflops 3\n"),
            "c.rpt:2: expected 'registers N' or 'cells N', got 'flops 3'");
  EXPECT_EQ(message("registers 2\nregisters 2\ncells 3\n"), "c.rpt:2: registers: given twice");
  EXPECT_EQ(message("registers 4\ncells 3\n"), "c.rpt:1: registers: more registers than cells");
  EXPECT_EQ(message("cells 3\n"), "c.rpt:1: registers: missing");
}

}  // namespace
}  // namespace labq::yosys_sta
