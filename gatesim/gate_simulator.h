#pragma once
/// Zero-delay, cycle-based, bit-parallel simulation of a GateNetlist: every
/// signal is a uint64_t holding 64 independent lanes (64 copies of the
/// circuit, each with its own inputs). One cycle is: the clock edge (every
/// flop takes its D, as settled in the previous cycle), the new inputs, then
/// the combinational gates in levelized order. Inputs change with the clock
/// edge, as if they came from registers on the same clock, so in zero delay
/// a net changes at most once per cycle.

#include <cstdint>
#include <string>
#include <vector>

#include "gatesim/gate_netlist.h"

namespace labq::gatesim {

class GateSimulator {
 public:
  /// Levelizes the gates and checks that every flop is clocked on the rising
  /// edge of the input port `clock` (through buffers or inverters). Throws
  /// labq::Error naming the net: a combinational loop, a net with two
  /// drivers, a flop on another clock or edge.
  GateSimulator(const GateNetlist& netlist, const std::string& clock);

  /// All signals (flop states included) to 0.
  void Reset();
  /// The flops take D (async set/reset as settled) in every lane.
  void ClockEdge();
  void SetInput(Signal signal, uint64_t lanes) { values_[signal] = lanes; }
  /// Evaluates every gate once, in order; then asynchronous set/reset held
  /// into the flops' states.
  void Settle();
  uint64_t Value(Signal signal) const { return values_[signal]; }

  /// Flops between any input and any flop, at most; -1 when flops feed back
  /// into themselves (or the chain is deeper than 63). After `depth + 1`
  /// cycles from any state, every net depends only on the inputs seen.
  int SequentialDepth() const { return depth_; }
  /// Whether the signal is the clock or derived from it through buffers and
  /// inverters only (its nets toggle twice a cycle).
  bool InClockTree(Signal signal) const { return clock_tree_[signal]; }
  Signal clock() const { return clock_; }
  size_t gate_count() const { return order_.size(); }

 private:
  void Levelize(const GateNetlist& netlist);
  void TraceClocks(const GateNetlist& netlist, const std::string& clock);
  void ComputeDepth();

  std::vector<Gate> order_;  ///< gates in evaluation order
  std::vector<Flop> flops_;
  std::vector<uint64_t> values_;
  std::vector<uint64_t> next_state_;
  std::vector<bool> clock_tree_;
  Signal clock_ = 0;
  int depth_ = 0;
};

/// How many inputs a gate of this op reads.
int GateArity(GateOp op);

}  // namespace labq::gatesim
