#include "jobs/power_netlist.h"

#include <gtest/gtest.h>

namespace labq {
namespace {

/// Yosys's mapped netlists alias nets with `assign` (an output port equal to
/// an internal net) and tie pins to constants: the power netlist has one bit
/// per distinct net, named as in netlist.v, and the constants 0 and 1.
TEST(PowerNetlistFromVerilog, AliasesAreOneNetAndConstantsAreBitsZeroAndOne) {
  const auto netlist = gatesim::ParseMappedNetlist(R"(module top(clk, a, y);
  input clk;
  input [1:0] a;
  output [1:0] y;
  wire _0_;
  wire _1_;
  AND2X2 _2_ (.A(a[0]), .B(a[1]), .Y(_0_));
  DFFPOSX1 _3_ (.CLK(clk), .D(_0_), .Q(_1_));
  NAND2X1 _4_ (.A(_1_), .B(1'b1), .Y(y[1]));
  assign y[0] = _1_;
endmodule
)",
                                                   "n.v", "top");
  const power::MappedNetlist p = ToPowerNetlist(netlist);
  EXPECT_EQ(p.top, "top");
  ASSERT_EQ(p.cells.size(), 3u);
  auto bit_of = [&](const std::string& cell, const std::string& pin) {
    for (const auto& c : p.cells) {
      if (c.name != cell) continue;
      for (const auto& cp : c.pins) {
        if (cp.port == pin) return cp.bit;
      }
    }
    ADD_FAILURE() << cell << "." << pin << " not found";
    return -1;
  };
  auto name_of = [&](int bit) { return p.net_names.at(static_cast<size_t>(bit)); };
  EXPECT_EQ(name_of(bit_of("_2_", "A")), "a[0]");
  EXPECT_EQ(name_of(bit_of("_2_", "Y")), "_0_");
  EXPECT_EQ(bit_of("_2_", "Y"), bit_of("_3_", "D"));
  EXPECT_EQ(bit_of("_4_", "B"), 1);  // 1'b1
  EXPECT_TRUE(power::MappedNetlist::IsConstant(bit_of("_4_", "B")));
  // y[0] is _1_: the port and the flop's Q are one bit.
  int y0 = -1, clk = -1;
  for (const auto& port : p.ports) {
    if (port.name == "y[0]") y0 = port.bit;
    if (port.name == "clk") clk = port.bit;
  }
  EXPECT_EQ(y0, bit_of("_3_", "Q"));
  EXPECT_EQ(clk, bit_of("_3_", "CLK"));
  EXPECT_EQ(p.ports.size(), 5u);  // clk, a[0], a[1], y[0], y[1]
}

}  // namespace
}  // namespace labq
