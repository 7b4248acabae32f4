#include "gatesim/gate_netlist.h"

#include <map>
#include <optional>

#include "common/error.h"

namespace labq::gatesim {
namespace {

constexpr Signal kUnset = UINT32_MAX;

struct OpInfo {
  const char* type;
  GateOp op;
  std::array<const char*, 4> inputs;
};

/// Yosys's simple combinational cells, with their pins in our input order.
const OpInfo kOps[] = {
    {"$_BUF_", GateOp::kBuf, {"A"}},
    {"$_NOT_", GateOp::kNot, {"A"}},
    {"$_AND_", GateOp::kAnd, {"A", "B"}},
    {"$_NAND_", GateOp::kNand, {"A", "B"}},
    {"$_OR_", GateOp::kOr, {"A", "B"}},
    {"$_NOR_", GateOp::kNor, {"A", "B"}},
    {"$_XOR_", GateOp::kXor, {"A", "B"}},
    {"$_XNOR_", GateOp::kXnor, {"A", "B"}},
    {"$_ANDNOT_", GateOp::kAndNot, {"A", "B"}},
    {"$_ORNOT_", GateOp::kOrNot, {"A", "B"}},
    {"$_MUX_", GateOp::kMux, {"A", "B", "S"}},
    {"$_NMUX_", GateOp::kNmux, {"A", "B", "S"}},
    {"$_AOI3_", GateOp::kAoi3, {"A", "B", "C"}},
    {"$_OAI3_", GateOp::kOai3, {"A", "B", "C"}},
    {"$_AOI4_", GateOp::kAoi4, {"A", "B", "C", "D"}},
    {"$_OAI4_", GateOp::kOai4, {"A", "B", "C", "D"}},
};

const OpInfo* FindOp(const std::string& type) {
  for (const auto& info : kOps) {
    if (type == info.type) return &info;
  }
  return nullptr;
}

/// A flop primitive's shape, parsed from its Yosys type name.
struct FlopShape {
  bool posedge = true;
  std::optional<bool> set_high, reset_high;  ///< present pins and their active level
  bool reset_to_one = false;                 ///< $_DFF_xy1_: R sets Q to 1
};

std::optional<FlopShape> ParseFlop(const std::string& type) {
  auto pol = [](char c) { return c == 'P'; };
  FlopShape s;
  if (type.size() == 8 && type.rfind("$_DFF_", 0) == 0 && type[7] == '_') {  // $_DFF_P_
    s.posedge = pol(type[6]);
    return s;
  }
  if (type.size() == 10 && type.rfind("$_DFF_", 0) == 0 && type[9] == '_') {  // $_DFF_PN0_
    s.posedge = pol(type[6]);
    s.reset_high = pol(type[7]);
    s.reset_to_one = type[8] == '1';
    return s;
  }
  if (type.size() == 12 && type.rfind("$_DFFSR_", 0) == 0 && type[11] == '_') {  // $_DFFSR_PNN_
    s.posedge = pol(type[8]);
    s.set_high = pol(type[9]);
    s.reset_high = pol(type[10]);
    return s;
  }
  return std::nullopt;
}

class Flattener {
 public:
  Flattener(const MappedNetlist& netlist, const CellLibrary& library)
      : netlist_(netlist), library_(library) {
    out_.top = netlist.top;
    out_.netlist_file = netlist.file;
    out_.liberty = library.liberty;
    out_.net_names = netlist.nets;
    out_.signal_count = kFirstNet + netlist.nets.size();
    out_.instance_count = netlist.instances.size();
  }

  GateNetlist Run() {
    for (const auto& port : netlist_.ports) {
      (port.input ? out_.inputs : out_.outputs).push_back({port.name, Outer(port.net)});
    }
    for (const auto& [lhs, rhs] : netlist_.assigns) {
      AddGate(GateOp::kBuf, Outer(lhs), {Outer(rhs)});
    }
    for (const auto& inst : netlist_.instances) Expand(inst);
    return std::move(out_);
  }

 private:
  Signal Outer(NetRef net) const {
    if (net >= 0) return kFirstNet + static_cast<Signal>(net);
    return net == kConst1 ? kSignal1 : kSignal0;  // x and unconnected read as 0
  }
  Signal Fresh() { return static_cast<Signal>(out_.signal_count++); }
  void AddGate(GateOp op, Signal out, std::initializer_list<Signal> in) {
    Gate g{op, out, {}};
    size_t i = 0;
    for (Signal s : in) g.in[i++] = s;
    out_.gates.push_back(g);
  }

  [[noreturn]] void Fail(const Instance& inst, const std::string& message) const {
    throw Error(netlist_.file + ":" + std::to_string(inst.line) + ": instance " + inst.name +
                " (cell " + inst.cell + ", liberty " + library_.liberty + "): " + message);
  }

  /// Checked once per cell: every output bit has a source in the model.
  void CheckModel(const Instance& inst, const CellModel& cell) {
    if (!checked_.emplace(cell.name, true).second) return;
    std::vector<bool> driven(cell.max_bit + 1, false);
    if (cell.max_bit >= 1) driven[0] = driven[1] = true;
    for (const auto& port : cell.ports) {
      if (!port.input) continue;
      for (int bit : port.bits) {
        if (bit >= 0) driven[bit] = true;
      }
    }
    for (const auto& prim : cell.primitives) {
      for (const char* pin : {"Y", "Q"}) {
        auto it = prim.pins.find(pin);
        if (it != prim.pins.end() && it->second >= 0) driven[it->second] = true;
      }
    }
    for (const auto& port : cell.ports) {
      if (port.input) continue;
      for (int bit : port.bits) {
        if (bit < 0 || !driven[bit]) {
          Fail(inst, "output " + port.name + " has no function in the liberty");
        }
      }
    }
  }

  void Expand(const Instance& inst) {
    auto cell_it = library_.cells.find(inst.cell);
    if (cell_it == library_.cells.end()) {
      Fail(inst,
           "the liberty has no model of this cell (absent, or an output without a "
           "function, which Yosys's read_liberty -ignore_miss_func skips)");
    }
    const CellModel& cell = cell_it->second;
    CheckModel(inst, cell);
    std::vector<Signal> local(cell.max_bit + 1, kUnset);
    local[0] = kSignal0;
    local[1] = kSignal1;
    auto pin_bits = [&](const std::string& port) -> const std::vector<NetRef>* {
      for (const auto& pin : inst.pins) {
        if (pin.port == port) return &pin.bits;
      }
      return nullptr;
    };
    for (const auto& pin : inst.pins) {
      bool known = false;
      for (const auto& port : cell.ports) known = known || port.name == pin.port;
      if (!known) Fail(inst, "the cell has no pin " + pin.port);
    }
    for (const auto& port : cell.ports) {
      if (!port.input) continue;
      const auto* bits = pin_bits(port.name);
      for (size_t k = 0; k < port.bits.size(); ++k) {
        const Signal outer = bits && k < bits->size() ? Outer((*bits)[k]) : kSignal0;
        if (port.bits[k] >= 0) local[port.bits[k]] = outer;
      }
    }
    for (const auto& port : cell.ports) {
      if (port.input) continue;
      const auto* bits = pin_bits(port.name);
      for (size_t k = 0; k < port.bits.size(); ++k) {
        const int bit = port.bits[k];
        const bool connected = bits && k < bits->size() && (*bits)[k] >= 0;
        const Signal outer = connected ? Outer((*bits)[k]) : Fresh();
        if (local[bit] != kUnset) {
          AddGate(GateOp::kBuf, outer, {local[bit]});  // a buffer, a tie cell, a shared output
        } else {
          local[bit] = outer;
        }
      }
    }
    auto sig = [&](const CellPrimitive& prim, const char* pin) {
      auto it = prim.pins.find(pin);
      if (it == prim.pins.end()) Fail(inst, "primitive " + prim.type + " lacks pin " + pin);
      const int bit = it->second;
      if (bit < 0) return kSignal0;
      if (local[bit] == kUnset) local[bit] = Fresh();
      return local[bit];
    };
    for (const auto& prim : cell.primitives) {
      if (const OpInfo* op = FindOp(prim.type)) {
        Gate g{op->op, sig(prim, "Y"), {}};
        for (size_t i = 0; i < op->inputs.size() && op->inputs[i]; ++i) {
          g.in[i] = sig(prim, op->inputs[i]);
        }
        out_.gates.push_back(g);
      } else if (auto shape = ParseFlop(prim.type)) {
        AddFlop(prim, *shape, sig);
      } else if (prim.type.rfind("$_DLATCH", 0) == 0) {
        Fail(inst, "the model is a latch (" + prim.type +
                       "); the activity simulation handles edge-triggered flip-flops only");
      } else {
        Fail(inst, "the model uses Yosys cell type " + prim.type +
                       ", which labq's gate-level simulation does not handle");
      }
    }
  }

  template <typename Sig>
  void AddFlop(const CellPrimitive& prim, const FlopShape& shape, Sig& sig) {
    auto active_high = [&](const char* pin, bool high) {
      const Signal s = sig(prim, pin);
      if (high) return s;
      const Signal inverted = Fresh();
      AddGate(GateOp::kNot, inverted, {s});
      return inverted;
    };
    Flop f;
    f.clock = sig(prim, "C");
    f.posedge = shape.posedge;
    f.d = sig(prim, "D");
    f.q = sig(prim, "Q");
    if (shape.set_high) f.set = active_high("S", *shape.set_high);
    if (shape.reset_high) {
      const Signal r = active_high("R", *shape.reset_high);
      (shape.reset_to_one ? f.set : f.reset) = r;
    }
    if (f.set == kSignal0 && f.reset == kSignal0) {
      f.state = f.q;
    } else {
      f.state = Fresh();
      AddGate(GateOp::kAsync, f.q, {f.state, f.set, f.reset});
    }
    out_.flops.push_back(f);
  }

  const MappedNetlist& netlist_;
  const CellLibrary& library_;
  GateNetlist out_;
  std::map<std::string, bool> checked_;
};

}  // namespace

GateNetlist BuildGateNetlist(const MappedNetlist& netlist, const CellLibrary& library) {
  return Flattener(netlist, library).Run();
}

GateNetlist LoadGateNetlist(const std::string& netlist_v, const std::string& cells_json,
                            const std::string& liberty) {
  return BuildGateNetlist(ReadMappedNetlist(netlist_v), ReadCellLibraryJson(cells_json, liberty));
}

}  // namespace labq::gatesim
