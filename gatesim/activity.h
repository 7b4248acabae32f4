#pragma once
/// Switching activity of every net of a mapped netlist over a DPU workload:
/// how often each net toggles and how many cycles it is high, from a
/// zero-delay gate-level simulation (gatesim/gate_simulator.h) of the
/// netlist with its liberty's cell functions. The power calculator takes
/// toggle_rate = toggles / cycles and high_probability = high_cycles / cycles.
///
/// One vector per clock cycle on the input ports a and b (element i at bits
/// [i*M +: M], as `a[k]` scalar ports or an `a` vector). 64 lanes per machine
/// word: lane k simulates a contiguous segment of the vector stream, starting
/// `warmup` cycles early and counting only its own segment, so the counts are
/// exactly those of one long serial run. `warmup` = the netlist's sequential
/// depth + 1 (the cycles after which every net depends only on the vectors);
/// a design whose flops feed back into themselves runs in one lane (still
/// exact, 64x slower). The first `warmup` vectors are the serial run's own
/// warm-up: `cycles` = vectors - warmup.

#include <cstdint>
#include <string>
#include <vector>

#include "dpu/dpu_vectors.h"
#include "gatesim/gate_netlist.h"

namespace labq::gatesim {

struct NetActivity {
  std::string name;
  uint64_t toggles = 0;
  double high_cycles = 0;   ///< a clock net is high half of each cycle
  bool clock_tree = false;  ///< the clock or a buffer/inverter of it: 2 toggles a cycle
};

struct ActivityResult {
  uint64_t cycles = 0;            ///< counted cycles
  size_t vectors = 0;             ///< vectors simulated
  int warmup = 0;                 ///< cycles simulated before counting
  int lanes = 0;                  ///< lanes used (64, or 1 for a design with feedback)
  std::string clock;              ///< the clock port
  std::string source;             ///< the workload's source (DpuVectorSet::source)
  std::vector<NetActivity> nets;  ///< every net of the netlist, in its order
  double seconds = 0;             ///< the simulation itself (not reading or flattening)
};

struct ActivityOptions {
  std::string clock = "clk";
  std::string a_port = "a";
  std::string b_port = "b";
  int max_lanes = 64;  ///< 1 runs the serial reference (tests compare the two)
};

/// Throws labq::Error: an input port the vectors do not drive, a port width
/// that is not N·M, too few vectors for the warm-up, or what GateSimulator
/// rejects.
ActivityResult SimulateActivity(const GateNetlist& netlist, const DpuVectorSet& vectors,
                                const ActivityOptions& options = {});

/// Toggles per cycle summed over the nets (the clock's included or not).
double TogglesPerCycle(const ActivityResult& result, bool include_clock);

}  // namespace labq::gatesim
