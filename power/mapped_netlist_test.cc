#include "power/mapped_netlist.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace labq::power {
namespace {

/// What Yosys 0.23 writes for a two-cell netlist after `splitnets -ports`.
constexpr char kJson[] = R"({
  "modules": {
    "INVX1": { "attributes": { "blackbox": "00000000000000000000000000000001" },
               "ports": {}, "cells": {}, "netnames": {} },
    "top": {
      "ports": {
        "clk": { "direction": "input", "bits": [ 2 ] },
        "a[0]": { "direction": "input", "bits": [ 3 ] },
        "y": { "direction": "output", "bits": [ 5, 6 ] }
      },
      "cells": {
        "_1_": { "hide_name": 0, "type": "INVX1", "port_directions": { "A": "input", "Y": "output" },
                 "connections": { "A": [ 3 ], "Y": [ 4 ] } },
        "r0": { "hide_name": 0, "type": "DFFPOSX1",
                "connections": { "CLK": [ 2 ], "D": [ 4 ], "Q": [ 5 ] } },
        "tie": { "hide_name": 0, "type": "INVX1", "connections": { "A": [ "0" ], "Y": [ 6 ] } }
      },
      "netnames": {
        "$abc$1$n4": { "hide_name": 1, "bits": [ 4 ] },
        "_00001_": { "hide_name": 0, "bits": [ 4 ] },
        "y": { "hide_name": 0, "bits": [ 5, 6 ], "offset": 0 },
        "a[0]": { "hide_name": 0, "bits": [ 3 ] },
        "clk": { "hide_name": 0, "bits": [ 2 ] }
      }
    }
  }
})";

TEST(PowerNetlist, CellsPortsAndNetNames) {
  const MappedNetlist n = ParseMappedNetlist(kJson, "top", "n.json");
  EXPECT_EQ(n.top, "top");
  ASSERT_EQ(n.cells.size(), 3u);
  EXPECT_EQ(n.cells[0].name, "_1_");
  EXPECT_EQ(n.cells[0].type, "INVX1");
  ASSERT_EQ(n.cells[0].pins.size(), 2u);
  EXPECT_EQ(n.cells[0].pins[0].port, "A");
  EXPECT_EQ(n.cells[0].pins[0].bit, 3);
  EXPECT_EQ(n.cells[2].pins[0].bit, 0);  // the constant "0"
  ASSERT_EQ(n.ports.size(), 4u);
  EXPECT_EQ(n.bit_count(), 7);
  EXPECT_EQ(n.net_names[4], "_00001_");  // a visible name beats Yosys's own
  EXPECT_EQ(n.net_names[3], "a[0]");
  EXPECT_EQ(n.net_names[5], "y[0]");
  EXPECT_EQ(n.net_names[6], "y[1]");
  bool found_y1 = false;
  for (const NetlistPort& port : n.ports)
    if (port.name == "y[1]") {
      found_y1 = true;
      EXPECT_EQ(port.direction, PortDirection::kOutput);
      EXPECT_EQ(port.bit, 6);
    }
  EXPECT_TRUE(found_y1);
}

TEST(PowerNetlist, ErrorsNameTheFile) {
  try {
    ParseMappedNetlist(kJson, "other", "n.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "n.json: no module 'other' in the netlist");
  }
  EXPECT_THROW(ParseMappedNetlist("{ not json", "top", "bad.json"), Error);
  EXPECT_THROW(ParseMappedNetlist(R"({"x": 1})", "top", "bad.json"), Error);
  EXPECT_THROW(ReadMappedNetlist("/nonexistent/n.json", "top"), Error);
}

}  // namespace
}  // namespace labq::power
