#include "jobs/power_netlist.h"

#include <numeric>

namespace labq {
namespace {

/// gatesim's NetRef to power's bit, following `assign lhs = rhs` aliases.
class BitMap {
 public:
  explicit BitMap(const gatesim::MappedNetlist& netlist) : parent_(netlist.nets.size()) {
    std::iota(parent_.begin(), parent_.end(), 0);
    for (const auto& [lhs, rhs] : netlist.assigns) {
      if (lhs < 0) continue;  // an assign to a constant: nothing to alias
      const gatesim::NetRef to = rhs >= 0 ? Find(rhs) : rhs;
      const gatesim::NetRef from = Find(lhs);
      if (to != from) parent_[static_cast<size_t>(from)] = to;
    }
  }
  /// The power bit of a NetRef; -1 for an unconnected one.
  int Bit(gatesim::NetRef ref) const {
    if (ref == gatesim::kConst0) return 0;
    if (ref == gatesim::kConst1) return 1;
    if (ref < 0) return -1;
    const gatesim::NetRef root = Find(ref);
    if (root == gatesim::kConst0) return 0;
    if (root == gatesim::kConst1) return 1;
    return root < 0 ? -1 : static_cast<int>(root) + 2;
  }

 private:
  /// Roots are nets (>= 0) or constants (< 0), which are their own roots.
  gatesim::NetRef Find(gatesim::NetRef ref) const {
    while (ref >= 0 && parent_[static_cast<size_t>(ref)] != ref) {
      ref = parent_[static_cast<size_t>(ref)];
    }
    return ref;
  }
  std::vector<gatesim::NetRef> parent_;
};

}  // namespace

power::MappedNetlist ToPowerNetlist(const gatesim::MappedNetlist& netlist) {
  const BitMap bits(netlist);
  power::MappedNetlist out;
  out.top = netlist.top;
  out.net_names.assign(netlist.nets.size() + 2, "");
  for (size_t i = 0; i < netlist.nets.size(); ++i) out.net_names[i + 2] = netlist.nets[i];
  out.cells.reserve(netlist.instances.size());
  for (const auto& instance : netlist.instances) {
    power::NetlistCell cell{instance.name, instance.cell, {}};
    for (const auto& pin : instance.pins) {
      // A standard cell's pins are single bits; a bus pin keeps its bit index.
      for (size_t i = 0; i < pin.bits.size(); ++i) {
        const int bit = bits.Bit(pin.bits[i]);
        if (bit < 0) continue;
        cell.pins.push_back(
            {pin.bits.size() == 1 ? pin.port : pin.port + "[" + std::to_string(i) + "]", bit});
      }
    }
    out.cells.push_back(std::move(cell));
  }
  for (const auto& port : netlist.ports) {
    const int bit = bits.Bit(port.net);
    if (bit < 0) continue;
    out.ports.push_back({port.name,
                         port.input ? power::PortDirection::kInput : power::PortDirection::kOutput,
                         bit});
  }
  return out;
}

}  // namespace labq
