#include "gatesim/gate_simulator.h"

#include <algorithm>

#include "common/error.h"

namespace labq::gatesim {
namespace {

constexpr uint32_t kNoDriver = UINT32_MAX;

inline uint64_t Eval(const Gate& g, const uint64_t* v) {
  const uint64_t a = v[g.in[0]];
  switch (g.op) {
    case GateOp::kBuf:
      return a;
    case GateOp::kNot:
      return ~a;
    case GateOp::kAnd:
      return a & v[g.in[1]];
    case GateOp::kNand:
      return ~(a & v[g.in[1]]);
    case GateOp::kOr:
      return a | v[g.in[1]];
    case GateOp::kNor:
      return ~(a | v[g.in[1]]);
    case GateOp::kXor:
      return a ^ v[g.in[1]];
    case GateOp::kXnor:
      return ~(a ^ v[g.in[1]]);
    case GateOp::kAndNot:
      return a & ~v[g.in[1]];
    case GateOp::kOrNot:
      return a | ~v[g.in[1]];
    case GateOp::kMux: {
      const uint64_t s = v[g.in[2]];
      return (a & ~s) | (v[g.in[1]] & s);
    }
    case GateOp::kNmux: {
      const uint64_t s = v[g.in[2]];
      return ~((a & ~s) | (v[g.in[1]] & s));
    }
    case GateOp::kAoi3:
      return ~((a & v[g.in[1]]) | v[g.in[2]]);
    case GateOp::kOai3:
      return ~((a | v[g.in[1]]) & v[g.in[2]]);
    case GateOp::kAoi4:
      return ~((a & v[g.in[1]]) | (v[g.in[2]] & v[g.in[3]]));
    case GateOp::kOai4:
      return ~((a | v[g.in[1]]) & (v[g.in[2]] | v[g.in[3]]));
    case GateOp::kAsync:
      return (a | v[g.in[1]]) & ~v[g.in[2]];
  }
  return 0;
}

}  // namespace

int GateArity(GateOp op) {
  switch (op) {
    case GateOp::kBuf:
    case GateOp::kNot:
      return 1;
    case GateOp::kMux:
    case GateOp::kNmux:
    case GateOp::kAoi3:
    case GateOp::kOai3:
    case GateOp::kAsync:
      return 3;
    case GateOp::kAoi4:
    case GateOp::kOai4:
      return 4;
    default:
      return 2;
  }
}

GateSimulator::GateSimulator(const GateNetlist& netlist, const std::string& clock)
    : flops_(netlist.flops) {
  values_.assign(netlist.signal_count, 0);
  next_state_.assign(flops_.size(), 0);
  Levelize(netlist);
  TraceClocks(netlist, clock);
  ComputeDepth();
}

void GateSimulator::Levelize(const GateNetlist& netlist) {
  const size_t n = netlist.signal_count;
  auto name = [&](Signal s) -> std::string {
    if (s >= kFirstNet && s < kFirstNet + netlist.net_names.size()) {
      return "net " + netlist.net_names[s - kFirstNet];
    }
    return "an internal signal of a cell model";
  };
  auto fail = [&](const std::string& message) {
    throw Error(netlist.netlist_file + ": " + message + " (liberty " + netlist.liberty + ")");
  };
  // Who drives each signal: a gate, or a source (input port, flop state, constant).
  std::vector<uint32_t> driver(n, kNoDriver);
  constexpr uint32_t kSource = kNoDriver - 1;
  driver[kSignal0] = driver[kSignal1] = kSource;
  for (const auto& port : netlist.inputs) driver[port.signal] = kSource;
  for (const auto& f : netlist.flops) {
    if (driver[f.state] != kNoDriver) fail(name(f.state) + " has two drivers (a flop and more)");
    driver[f.state] = kSource;
  }
  const auto& gates = netlist.gates;
  for (uint32_t i = 0; i < gates.size(); ++i) {
    if (driver[gates[i].out] != kNoDriver) fail(name(gates[i].out) + " has two drivers");
    driver[gates[i].out] = i;
  }
  // Kahn's algorithm over gate -> gate edges.
  std::vector<uint32_t> pending(gates.size(), 0);
  std::vector<uint32_t> fanout_start(n + 1, 0);
  for (const auto& g : gates) {
    for (int k = 0; k < GateArity(g.op); ++k) ++fanout_start[g.in[k] + 1];
  }
  for (size_t s = 0; s < n; ++s) fanout_start[s + 1] += fanout_start[s];
  std::vector<uint32_t> fanout(fanout_start[n]);
  std::vector<uint32_t> fill(fanout_start.begin(), fanout_start.end() - 1);
  for (uint32_t i = 0; i < gates.size(); ++i) {
    for (int k = 0; k < GateArity(gates[i].op); ++k) {
      const Signal in = gates[i].in[k];
      fanout[fill[in]++] = i;
      if (driver[in] < kSource) ++pending[i];
    }
  }
  std::vector<uint32_t> ready;
  for (uint32_t i = 0; i < gates.size(); ++i) {
    if (pending[i] == 0) ready.push_back(i);
  }
  order_.reserve(gates.size());
  while (!ready.empty()) {
    const uint32_t i = ready.back();
    ready.pop_back();
    order_.push_back(gates[i]);
    const Signal out = gates[i].out;
    for (uint32_t f = fanout_start[out]; f < fanout_start[out + 1]; ++f) {
      if (--pending[fanout[f]] == 0) ready.push_back(fanout[f]);
    }
  }
  if (order_.size() != gates.size()) {
    std::string where = "an internal signal";
    for (uint32_t i = 0; i < gates.size(); ++i) {
      if (pending[i] == 0) continue;
      where = name(gates[i].out);
      if (gates[i].out < kFirstNet + netlist.net_names.size()) break;
    }
    fail("combinational loop through " + where);
  }
}

void GateSimulator::TraceClocks(const GateNetlist& netlist, const std::string& clock) {
  clock_tree_.assign(netlist.signal_count, false);
  bool found = false;
  for (const auto& port : netlist.inputs) {
    if (port.name == clock) {
      clock_ = port.signal;
      found = true;
    }
  }
  if (!found) {
    if (netlist.flops.empty()) return;
    throw Error(netlist.netlist_file + ": the design has flip-flops but no input port " + clock);
  }
  // Polarity of each clock-tree signal relative to the port: +1 or -1.
  std::vector<int8_t> polarity(netlist.signal_count, 0);
  polarity[clock_] = 1;
  clock_tree_[clock_] = true;
  for (const auto& g : order_) {  // levelized: inputs before outputs
    if ((g.op == GateOp::kBuf || g.op == GateOp::kNot) && polarity[g.in[0]] != 0) {
      polarity[g.out] =
          static_cast<int8_t>(g.op == GateOp::kNot ? -polarity[g.in[0]] : polarity[g.in[0]]);
      clock_tree_[g.out] = true;
    }
  }
  for (const auto& f : flops_) {
    const int p = polarity[f.clock];
    const std::string q = f.q >= kFirstNet && f.q < kFirstNet + netlist.net_names.size()
                              ? netlist.net_names[f.q - kFirstNet]
                              : "an internal signal";
    if (p == 0) {
      throw Error(netlist.netlist_file + ": the flip-flop driving " + q + " is not clocked by " +
                  clock + " (through buffers or inverters)");
    }
    if ((p > 0) != f.posedge) {
      throw Error(netlist.netlist_file + ": the flip-flop driving " + q +
                  " takes the falling edge of " + clock +
                  "; the activity simulation handles rising-edge flops only");
    }
  }
}

void GateSimulator::ComputeDepth() {
  if (flops_.empty()) {
    depth_ = 0;
    return;
  }
  std::vector<int> depth(values_.size(), 0);
  std::vector<int> flop_depth(flops_.size(), 1);
  for (int iteration = 0; iteration < 64; ++iteration) {
    std::fill(depth.begin(), depth.end(), 0);
    for (size_t i = 0; i < flops_.size(); ++i) depth[flops_[i].state] = flop_depth[i];
    for (const auto& g : order_) {
      int d = 0;
      for (int k = 0; k < GateArity(g.op); ++k) d = std::max(d, depth[g.in[k]]);
      depth[g.out] = d;
    }
    bool changed = false;
    for (size_t i = 0; i < flops_.size(); ++i) {
      const auto& f = flops_[i];
      const int d = 1 + std::max({depth[f.d], depth[f.set], depth[f.reset]});
      if (d != flop_depth[i]) {
        flop_depth[i] = d;
        changed = true;
      }
    }
    if (!changed) {
      depth_ = *std::max_element(flop_depth.begin(), flop_depth.end());
      return;
    }
  }
  depth_ = -1;
}

void GateSimulator::Reset() {
  std::fill(values_.begin(), values_.end(), 0);
  values_[kSignal1] = ~uint64_t{0};
}

void GateSimulator::ClockEdge() {
  uint64_t* v = values_.data();
  for (size_t i = 0; i < flops_.size(); ++i) {
    const auto& f = flops_[i];
    next_state_[i] = (v[f.d] | v[f.set]) & ~v[f.reset];
  }
  for (size_t i = 0; i < flops_.size(); ++i) v[flops_[i].state] = next_state_[i];
}

void GateSimulator::Settle() {
  uint64_t* v = values_.data();
  v[kSignal0] = 0;
  v[kSignal1] = ~uint64_t{0};
  for (const auto& g : order_) v[g.out] = Eval(g, v);
  for (const auto& f : flops_) {
    if (f.state != f.q) v[f.state] = v[f.q];  // set/reset holds after it is released
  }
}

}  // namespace labq::gatesim
