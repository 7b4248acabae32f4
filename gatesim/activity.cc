#include "gatesim/activity.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <optional>

#include "common/error.h"
#include "gatesim/gate_simulator.h"

namespace labq::gatesim {
namespace {

/// Which vector bit an input port carries.
struct InputBit {
  Signal signal;
  bool is_a;
  int bit;
};

/// `a[12]` -> 12 for prefix "a"; `a` -> 0 when the word is one bit wide.
std::optional<int> PortBit(const std::string& name, const std::string& prefix, int width) {
  if (name == prefix && width == 1) return 0;
  if (name.size() < prefix.size() + 3 || name.compare(0, prefix.size(), prefix) != 0 ||
      name[prefix.size()] != '[' || name.back() != ']') {
    return std::nullopt;
  }
  const std::string digits = name.substr(prefix.size() + 1, name.size() - prefix.size() - 2);
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(digits);
}

std::vector<InputBit> MapInputs(const GateNetlist& netlist, const DpuVectorSet& vectors,
                                const ActivityOptions& options) {
  const int a_width = vectors.n * vectors.a_bits;
  const int b_width = vectors.n * vectors.b_bits;
  std::vector<InputBit> bits;
  std::vector<int> seen_a(a_width, 0), seen_b(b_width, 0);
  for (const auto& port : netlist.inputs) {
    if (port.name == options.clock) continue;
    const auto a = PortBit(port.name, options.a_port, a_width);
    const auto b = PortBit(port.name, options.b_port, b_width);
    if (!a && !b) {
      throw Error(netlist.netlist_file + ": input port " + port.name +
                  " is not driven by the vectors (only " + options.clock + ", " + options.a_port +
                  " and " + options.b_port + " are)");
    }
    const int bit = a ? *a : *b;
    const int width = a ? a_width : b_width;
    if (bit >= width) {
      throw Error(netlist.netlist_file + ": input port " + port.name + " is beyond the " +
                  std::to_string(width) +
                  "-bit words of the vectors (N·bits = " + std::to_string(vectors.n) + "·" +
                  std::to_string(a ? vectors.a_bits : vectors.b_bits) + ")");
    }
    ++(a ? seen_a : seen_b)[bit];
    bits.push_back({port.signal, a.has_value(), bit});
  }
  for (const auto& [port, seen] :
       {std::pair{options.a_port, &seen_a}, std::pair{options.b_port, &seen_b}}) {
    for (size_t k = 0; k < seen->size(); ++k) {
      if ((*seen)[k] != 1) {
        throw Error(netlist.netlist_file + ": the netlist's port " + port + " does not match the " +
                    std::to_string(seen->size()) + "-bit vectors (bit " + std::to_string(k) +
                    " missing)");
      }
    }
  }
  return bits;
}

struct Segment {
  size_t first;  ///< first simulated vector
  size_t steps;  ///< simulated cycles (warm-up included)
};

}  // namespace

ActivityResult SimulateActivity(const GateNetlist& netlist, const DpuVectorSet& vectors,
                                const ActivityOptions& options) {
  GateSimulator sim(netlist, options.clock);
  const auto inputs = MapInputs(netlist, vectors, options);
  const int depth = sim.SequentialDepth();
  ActivityResult result;
  result.clock = options.clock;
  result.source = vectors.source;
  result.vectors = vectors.size();
  result.warmup = depth < 0 ? 1 : depth + 1;
  const size_t warmup = static_cast<size_t>(result.warmup);
  if (vectors.size() <= warmup) {
    throw Error("gatesim: " + std::to_string(vectors.size()) +
                " vectors are too few; the design needs " + std::to_string(warmup) +
                " warm-up cycles before counting");
  }
  const size_t counted = vectors.size() - warmup;
  result.cycles = counted;
  const size_t lanes =
      depth < 0 ? 1 : std::min<size_t>(std::clamp(options.max_lanes, 1, 64), counted);
  result.lanes = static_cast<int>(lanes);
  std::vector<Segment> segments(lanes);
  size_t steps = 0;
  for (size_t k = 0; k < lanes; ++k) {
    const size_t begin = warmup + k * counted / lanes;
    const size_t end = warmup + (k + 1) * counted / lanes;
    segments[k] = {begin - warmup, end - begin + warmup};
    steps = std::max(steps, segments[k].steps);
  }

  const size_t net_count = netlist.net_names.size();
  std::vector<uint64_t> toggles(net_count, 0), high(net_count, 0), previous(net_count, 0);
  const auto start = std::chrono::steady_clock::now();
  sim.Reset();
  for (size_t step = 0; step < steps; ++step) {
    if (step > 0) sim.ClockEdge();
    uint64_t counting = 0;
    for (size_t k = 0; k < lanes; ++k) {
      if (step >= warmup && step < segments[k].steps) counting |= uint64_t{1} << k;
    }
    for (const auto& in : inputs) {
      uint64_t word = 0;
      for (size_t k = 0; k < lanes; ++k) {
        const size_t t = segments[k].first + std::min(step, segments[k].steps - 1);
        if (in.is_a ? vectors.BitA(t, in.bit) : vectors.BitB(t, in.bit)) word |= uint64_t{1} << k;
      }
      sim.SetInput(in.signal, word);
    }
    sim.Settle();
    for (size_t i = 0; i < net_count; ++i) {
      const uint64_t now = sim.Value(kFirstNet + static_cast<Signal>(i));
      toggles[i] += static_cast<uint64_t>(std::popcount((now ^ previous[i]) & counting));
      high[i] += static_cast<uint64_t>(std::popcount(now & counting));
      previous[i] = now;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.nets.reserve(net_count);
  for (size_t i = 0; i < net_count; ++i) {
    NetActivity net{netlist.net_names[i], toggles[i], static_cast<double>(high[i])};
    if (sim.InClockTree(kFirstNet + static_cast<Signal>(i))) {
      net.toggles = 2 * counted;
      net.high_cycles = 0.5 * static_cast<double>(counted);
      net.clock_tree = true;
    }
    result.nets.push_back(std::move(net));
  }
  return result;
}

double TogglesPerCycle(const ActivityResult& result, bool include_clock) {
  uint64_t total = 0;
  for (const auto& net : result.nets) {
    if (!include_clock && net.clock_tree) continue;
    total += net.toggles;
  }
  return result.cycles ? static_cast<double>(total) / static_cast<double>(result.cycles) : 0;
}

}  // namespace labq::gatesim
