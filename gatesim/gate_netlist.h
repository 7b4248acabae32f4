#pragma once
/// A mapped netlist flattened into simple gates: each standard-cell instance
/// replaced by its liberty model (gatesim/cell_library.h), every net of the
/// netlist kept under its name. This is what the activity simulator runs.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gatesim/cell_library.h"
#include "gatesim/mapped_netlist.h"

namespace labq::gatesim {

/// A signal of the flattened circuit. 0 and 1 are the constants; the
/// netlist's nets come next (signal kFirstNet + NetRef), then the cells'
/// internal signals.
using Signal = uint32_t;
constexpr Signal kSignal0 = 0;
constexpr Signal kSignal1 = 1;
constexpr Signal kFirstNet = 2;

enum class GateOp : uint8_t {
  kBuf,
  kNot,
  kAnd,
  kNand,
  kOr,
  kNor,
  kXor,
  kXnor,
  kAndNot,  ///< A & ~B
  kOrNot,   ///< A | ~B
  kMux,     ///< S ? B : A  (in: A, B, S)
  kNmux,
  kAoi3,   ///< ~((A & B) | C)
  kOai3,   ///< ~((A | B) & C)
  kAoi4,   ///< ~((A & B) | (C & D))
  kOai4,   ///< ~((A | B) & (C | D))
  kAsync,  ///< a flop's Q under asynchronous set/reset: (A | B) & ~C (state, set, reset)
};

struct Gate {
  GateOp op;
  Signal out;
  std::array<Signal, 4> in{};
};

/// An edge-triggered flip-flop. `state` is a source signal; Q is `state`
/// itself, or the output of a kAsync gate when the flop has set/reset.
struct Flop {
  Signal d = 0;
  Signal state = 0;
  Signal q = 0;
  Signal clock = 0;  ///< the signal at its C pin
  bool posedge = true;
  Signal set = kSignal0, reset = kSignal0;  ///< active-high (inverters added)
};

struct GateNetlist {
  std::string top;
  std::string netlist_file, liberty;
  std::vector<std::string> net_names;  ///< net i is signal kFirstNet + i
  size_t signal_count = 0;
  std::vector<Gate> gates;  ///< in no particular order
  std::vector<Flop> flops;
  struct Port {
    std::string name;
    Signal signal;
  };
  std::vector<Port> inputs, outputs;
  size_t instance_count = 0;
  /// Nets the netlist drives from a cell output or an input port, plus the
  /// constants; used to tell a floating net from a driven one.
  Signal NetSignal(NetRef net) const { return kFirstNet + static_cast<Signal>(net); }
};

/// Replaces every instance by its model. Throws labq::Error naming the
/// netlist file and line and the liberty: a cell the liberty lacks (or whose
/// function Yosys skipped), an output its model leaves undriven, a latch or
/// a primitive type labq does not simulate.
GateNetlist BuildGateNetlist(const MappedNetlist& netlist, const CellLibrary& library);

/// ReadMappedNetlist + ReadCellLibraryJson + BuildGateNetlist: `cells_json`
/// is what RenderCellLibraryScript's script wrote; `liberty` names the
/// liberty in errors.
GateNetlist LoadGateNetlist(const std::string& netlist_v, const std::string& cells_json,
                            const std::string& liberty);

}  // namespace labq::gatesim
