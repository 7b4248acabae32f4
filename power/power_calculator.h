#pragma once
/// labq's own power calculation from a liberty, a mapped netlist and a
/// per-net activity: switching (1/2 C V^2 per toggle, C = the driven pins
/// plus the library's default wire load), internal (each cell's
/// internal_power tables at the slews and loads computed here) and leakage
/// (state dependent through `when`). Calibrated against OpenSTA's
/// report_power with the same uniform activity (bench/power_calibration).

#include <string>
#include <unordered_map>

#include "power/liberty.h"
#include "power/mapped_netlist.h"

namespace labq::power {

/// A net's activity: toggles per clock cycle and the probability of being 1.
struct NetActivity {
  double toggle_rate = 0.1;
  double high_probability = 0.5;
};

/// Activities by net name (as in netlist.v), and the one for nets not named.
/// Clock nets (those reaching a liberty `clock : true` pin) always toggle
/// twice per cycle with probability 0.5, as OpenSTA assumes.
struct ActivityLookup {
  NetActivity default_activity;
  std::unordered_map<std::string, NetActivity> by_net;

  const NetActivity& Find(const std::string& net) const {
    const auto it = by_net.find(net);
    return it == by_net.end() ? default_activity : it->second;
  }
};

/// Power of one class of cells, in watts.
struct PowerGroup {
  double internal_w = 0.0;
  double switching_w = 0.0;
  double leakage_w = 0.0;
  double total_w() const { return internal_w + switching_w + leakage_w; }
};

struct PowerResult {
  double internal_w = 0.0;
  double switching_w = 0.0;
  double leakage_w = 0.0;
  double total_w = 0.0;
  double sequential_w = 0.0;     ///< cells with ff/latch groups (OpenSTA's "Sequential")
  double combinational_w = 0.0;  ///< every other cell
  int flop_count = 0;
  int comb_cell_count = 0;
  PowerGroup sequential;  ///< the same split by component
  PowerGroup combinational;
};

/// Throws labq::Error naming the cell type and the liberty file when the
/// netlist uses a cell or pin the liberty lacks.
PowerResult ComputePower(const Liberty& liberty, const MappedNetlist& netlist,
                         const ActivityLookup& activity, double period_ns);

}  // namespace labq::power
