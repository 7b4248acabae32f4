#include "power/power_calculator.h"

#include <algorithm>
#include <array>

#include "common/error.h"

namespace labq::power {
namespace {

enum Edge { kRise = 0, kFall = 1 };
constexpr int kUnconnected = -1;

/// A netlist cell bound to its liberty cell: the net of each liberty pin.
struct BoundCell {
  const LibertyCell* cell = nullptr;
  std::vector<int> pin_bit;  ///< by liberty pin index; kUnconnected when open
};

/// Who drives a bit and what it drives.
struct NetInfo {
  int driver_cell = -1;  ///< index into the bound cells, -1 for a port or none
  int driver_pin = -1;
  int fanout = 0;                           ///< cell input pins and output ports it reaches
  std::array<double, 2> pin_cap{0.0, 0.0};  ///< rise, fall; library units
  bool clock = false;
};

class Calculator {
 public:
  Calculator(const Liberty& liberty, const MappedNetlist& netlist, const ActivityLookup& activity,
             double period_ns)
      : lib_(liberty), netlist_(netlist), activity_(activity), period_s_(period_ns * 1e-9) {
    if (!(period_ns > 0.0)) throw Error("power: clock period must be positive");
  }

  PowerResult Run() {
    Bind();
    Connect();
    Activities();
    Slews();
    PowerResult result;
    for (const BoundCell& bound : cells_) {
      PowerGroup cell_power = CellPower(bound);
      PowerGroup& group = bound.cell->is_sequential() ? result.sequential : result.combinational;
      group.internal_w += cell_power.internal_w;
      group.switching_w += cell_power.switching_w;
      group.leakage_w += cell_power.leakage_w;
      ++(bound.cell->is_sequential() ? result.flop_count : result.comb_cell_count);
    }
    const PowerGroup& s = result.sequential;
    const PowerGroup& c = result.combinational;
    result.internal_w = s.internal_w + c.internal_w;
    result.switching_w = s.switching_w + c.switching_w;
    result.leakage_w = s.leakage_w + c.leakage_w;
    result.sequential_w = s.total_w();
    result.combinational_w = c.total_w();
    result.total_w = result.sequential_w + result.combinational_w;
    return result;
  }

 private:
  void Bind() {
    cells_.reserve(netlist_.cells.size());
    for (const NetlistCell& instance : netlist_.cells) {
      BoundCell bound;
      bound.cell = lib_.FindCell(instance.type);
      if (bound.cell == nullptr)
        throw Error("power: cell type '" + instance.type + "' (instance '" + instance.name +
                    "') is not in liberty " + lib_.file.string());
      bound.pin_bit.assign(bound.cell->pins.size(), kUnconnected);
      for (const CellPin& pin : instance.pins) {
        const int index = bound.cell->FindPin(pin.port);
        if (index < 0)
          throw Error("power: instance '" + instance.name + "' connects pin '" + pin.port +
                      "' that cell '" + instance.type + "' of liberty " + lib_.file.string() +
                      " does not have");
        bound.pin_bit[static_cast<size_t>(index)] = pin.bit;
      }
      cells_.push_back(std::move(bound));
    }
  }

  void Connect() {
    nets_.assign(static_cast<size_t>(std::max(netlist_.bit_count(), 2)), NetInfo{});
    for (size_t c = 0; c < cells_.size(); ++c) {
      const BoundCell& bound = cells_[c];
      for (size_t p = 0; p < bound.pin_bit.size(); ++p) {
        const int bit = bound.pin_bit[p];
        if (bit == kUnconnected) continue;
        NetInfo& net = nets_[static_cast<size_t>(bit)];
        const LibertyPin& pin = bound.cell->pins[p];
        if (pin.direction == PinDirection::kOutput) {
          net.driver_cell = static_cast<int>(c);
          net.driver_pin = static_cast<int>(p);
        } else {
          ++net.fanout;
          net.pin_cap[kRise] += pin.rise_capacitance;
          net.pin_cap[kFall] += pin.fall_capacitance;
          if (pin.clock) net.clock = true;
        }
      }
    }
    for (const NetlistPort& port : netlist_.ports)
      if (port.direction != PortDirection::kInput) ++nets_[static_cast<size_t>(port.bit)].fanout;
  }

  /// The wire load OpenSTA adds with no set_wire_load_model: the library's
  /// default_wire_load at the net's fanout.
  double WireCap(int fanout) const {
    const WireLoad* wl = lib_.DefaultWireLoad();
    return wl == nullptr ? 0.0 : wl->Length(fanout) * wl->capacitance;
  }

  /// Per edge load (library units) of a bit; an open pin sees the wire load of no fanout.
  double Load(int bit, Edge edge) const {
    if (bit == kUnconnected) return WireCap(0);
    const NetInfo& net = nets_[static_cast<size_t>(bit)];
    return net.pin_cap[edge] + WireCap(net.fanout);
  }
  double MaxLoad(int bit) const { return std::max(Load(bit, kRise), Load(bit, kFall)); }

  void Activities() {
    toggles_.assign(nets_.size(), 0.0);
    high_.assign(nets_.size(), 0.0);
    high_[1] = 1.0;
    for (size_t bit = 2; bit < nets_.size(); ++bit) {
      NetActivity a;
      if (nets_[bit].clock)
        a = {2.0, 0.5};
      else
        a = activity_.Find(netlist_.net_names[bit]);
      toggles_[bit] = a.toggle_rate;
      high_[bit] = a.high_probability;
    }
  }

  /// Toggles per cycle and P(1) of a pin's net; an open pin gets the default.
  double Toggles(int bit) const {
    return bit == kUnconnected ? activity_.default_activity.toggle_rate
                               : toggles_[static_cast<size_t>(bit)];
  }
  double High(int bit) const {
    return bit == kUnconnected ? activity_.default_activity.high_probability
                               : high_[static_cast<size_t>(bit)];
  }

  /// Slews by forward propagation through the liberty's transition tables
  /// at each net's load (the lumped-capacitance delay calculation OpenSTA
  /// falls back to without parasitics): primary inputs and ideal clocks
  /// have slew 0, each cell output the worst over its arcs.
  void Slews() {
    slew_.assign(nets_.size(), {0.0, 0.0});
    std::vector<int> pending(cells_.size(), 0);
    std::vector<std::vector<int>> waiting(nets_.size());
    std::vector<int> ready;
    for (size_t c = 0; c < cells_.size(); ++c) {
      for (int bit : ArcInputs(cells_[c])) {
        const NetInfo& net = nets_[static_cast<size_t>(bit)];
        if (net.driver_cell < 0 || net.driver_cell == static_cast<int>(c)) continue;
        ++pending[c];
        waiting[static_cast<size_t>(bit)].push_back(static_cast<int>(c));
      }
      if (pending[c] == 0) ready.push_back(static_cast<int>(c));
    }
    std::vector<bool> done(cells_.size(), false);
    size_t finished = 0;
    while (finished < cells_.size()) {
      if (ready.empty()) {
        // A combinational loop: break it at the first cell not yet done.
        for (size_t c = 0; c < cells_.size(); ++c)
          if (!done[c]) {
            ready.push_back(static_cast<int>(c));
            break;
          }
      }
      const int c = ready.back();
      ready.pop_back();
      if (done[static_cast<size_t>(c)]) continue;
      done[static_cast<size_t>(c)] = true;
      ++finished;
      for (int bit : OutputSlews(cells_[static_cast<size_t>(c)]))
        for (int next : waiting[static_cast<size_t>(bit)])
          if (--pending[static_cast<size_t>(next)] == 0) ready.push_back(next);
    }
  }

  /// The connected bits a cell's delay arcs start from.
  std::vector<int> ArcInputs(const BoundCell& bound) const {
    std::vector<int> bits;
    for (const LibertyPin& pin : bound.cell->pins)
      for (const TimingArc& arc : pin.timing) {
        const int bit = bound.pin_bit[static_cast<size_t>(arc.related_pin)];
        if (bit != kUnconnected && !MappedNetlist::IsConstant(bit) &&
            std::find(bits.begin(), bits.end(), bit) == bits.end())
          bits.push_back(bit);
      }
    return bits;
  }

  /// Sets the slews of the cell's driven bits; returns those bits.
  std::vector<int> OutputSlews(const BoundCell& bound) {
    std::vector<int> driven;
    for (size_t p = 0; p < bound.cell->pins.size(); ++p) {
      const LibertyPin& pin = bound.cell->pins[p];
      const int out = bound.pin_bit[p];
      if (pin.direction != PinDirection::kOutput || out == kUnconnected) continue;
      std::array<double, 2> worst{0.0, 0.0};
      for (const TimingArc& arc : pin.timing) {
        const int in = bound.pin_bit[static_cast<size_t>(arc.related_pin)];
        const std::array<double, 2> in_slew =
            in == kUnconnected ? std::array<double, 2>{0.0, 0.0} : slew_[static_cast<size_t>(in)];
        for (Edge edge : {kRise, kFall}) {
          const auto& table = edge == kRise ? arc.rise_transition : arc.fall_transition;
          if (!table) continue;
          const Edge opposite = edge == kRise ? kFall : kRise;
          double from = in_slew[edge];
          if (arc.sense == TimingSense::kNegativeUnate) from = in_slew[opposite];
          double s = table->Lookup(from, Load(out, edge));
          if (arc.sense == TimingSense::kNonUnate)
            s = std::max(s, table->Lookup(in_slew[opposite], Load(out, edge)));
          worst[edge] = std::max(worst[edge], s);
        }
      }
      if (!MappedNetlist::IsConstant(out)) slew_[static_cast<size_t>(out)] = worst;
      driven.push_back(out);
    }
    return driven;
  }

  /// P(1) of each of the cell's expression variables: pins from their nets,
  /// state variables from the output pin whose function is that variable.
  std::vector<double> VariableHigh(const BoundCell& bound) const {
    const LibertyCell& cell = *bound.cell;
    std::vector<double> high(cell.variables.size(), 0.5);
    for (size_t p = 0; p < cell.pins.size(); ++p) high[p] = High(bound.pin_bit[p]);
    for (size_t p = 0; p < cell.pins.size(); ++p) {
      const auto& function = cell.pins[p].function;
      if (!function) continue;
      const std::vector<int> vars = function->Variables();
      if (vars.size() == 1 && static_cast<size_t>(vars[0]) >= cell.pins.size()) {
        const double h = High(bound.pin_bit[p]);
        // `Q = IQ` or `QN = !IQ`: the state is Q's value or its complement.
        const bool inverted = function->Probability(std::vector<double>(high.size(), 1.0)) < 0.5;
        high[static_cast<size_t>(vars[0])] = inverted ? 1.0 - h : h;
      }
    }
    return high;
  }

  PowerGroup CellPower(const BoundCell& bound) const {
    const LibertyCell& cell = *bound.cell;
    const std::vector<double> high = VariableHigh(bound);
    PowerGroup power;
    for (size_t p = 0; p < cell.pins.size(); ++p) {
      const LibertyPin& pin = cell.pins[p];
      const int bit = bound.pin_bit[p];
      if (bit == kUnconnected) continue;
      const bool output = pin.direction == PinDirection::kOutput;
      const double per_second = Toggles(bit) / period_s_;
      const double load = output ? MaxLoad(bit) : 0.0;
      if (output) {
        const double volts = lib_.PinVoltage(cell, pin);
        power.switching_w += 0.5 * load * lib_.units.capacitance_f * volts * volts * per_second;
      }
      double energy = 0.0;  // library energy units per toggle of this pin
      for (const InternalPower& ip : pin.internal_power)
        energy += ArcEnergy(bound, pin, static_cast<int>(p), ip, load, high);
      power.internal_w += energy * lib_.units.energy_j() * per_second;
    }
    power.leakage_w = Leakage(cell, high) * lib_.units.leakage_power_w;
    return power;
  }

  /// One internal_power group's energy per toggle of `pin`, weighted by the
  /// share of that pin's toggles it describes (OpenSTA's duty):
  ///  - an arc from input `from` without `when`: the toggles of `from` that
  ///    reach the output, P(the function passes `from`) * toggles(from) /
  ///    toggles(pin), read from the function like OpenSTA's inferedWhen;
  ///  - with `when`: P(when);  - from a clock: 1;  - otherwise one half.
  /// Rise and fall energies are both counted at the related pin's slews.
  double ArcEnergy(const BoundCell& bound, const LibertyPin& pin, int pin_index,
                   const InternalPower& ip, double load, const std::vector<double>& high) const {
    const int from = ip.related_pin >= 0 ? ip.related_pin : pin_index;
    const int from_bit = bound.pin_bit[static_cast<size_t>(from)];
    if (from_bit == kUnconnected) return 0.0;
    if (!ip.related_pg_pin.empty()) {
      const auto pg = bound.cell->pg_voltage_names.find(ip.related_pg_pin);
      if (pg != bound.cell->pg_voltage_names.end()) {
        const auto volts = lib_.voltage_map.find(pg->second);
        if (volts != lib_.voltage_map.end() && volts->second == 0.0 && !ip.when) return 0.0;
      }
    }
    double duty = 0.5;
    std::optional<double> inferred;
    if (ip.related_pin >= 0 && !ip.when && pin.function)
      inferred = pin.function->InferredWhenProbability(ip.related_pin, high);
    if (inferred) {
      const double to = Toggles(bound.pin_bit[static_cast<size_t>(pin_index)]);
      duty = to == 0.0 ? 0.0 : Toggles(from_bit) / to * *inferred;
    } else if (ip.when) {
      duty = ip.when->Probability(high);
    } else if (!MappedNetlist::IsConstant(from_bit) && nets_[static_cast<size_t>(from_bit)].clock) {
      duty = 1.0;
    }
    const std::array<double, 2> slew = MappedNetlist::IsConstant(from_bit)
                                           ? std::array<double, 2>{0.0, 0.0}
                                           : slew_[static_cast<size_t>(from_bit)];
    double energy = 0.0;
    if (ip.rise) energy += ip.rise->Lookup(slew[kRise], load);
    if (ip.fall) energy += ip.fall->Lookup(slew[kFall], load);
    return energy * duty;
  }

  /// State-dependent leakage: each `when` state weighted by its probability,
  /// renormalised over the states the liberty lists (so that a table over
  /// Q and QN, whose independent product double-counts, stays an average);
  /// else the unconditional groups; else cell_leakage_power.
  static double Leakage(const LibertyCell& cell, const std::vector<double>& high) {
    double weighted = 0.0;
    double mass = 0.0;
    double unconditional = 0.0;
    bool any_when = false;
    bool any_plain = false;
    for (const LeakagePower& leak : cell.leakage_power) {
      if (leak.when) {
        const double p = leak.when->Probability(high);
        weighted += leak.value * p;
        mass += p;
        any_when = true;
      } else {
        unconditional += leak.value;
        any_plain = true;
      }
    }
    if (any_when) return mass > 0.0 ? weighted / mass : 0.0;
    if (any_plain) return unconditional;
    return cell.cell_leakage_power.value_or(0.0);
  }

  const Liberty& lib_;
  const MappedNetlist& netlist_;
  const ActivityLookup& activity_;
  double period_s_;
  std::vector<BoundCell> cells_;
  std::vector<NetInfo> nets_;
  std::vector<double> toggles_;
  std::vector<double> high_;
  std::vector<std::array<double, 2>> slew_;
};

}  // namespace

PowerResult ComputePower(const Liberty& liberty, const MappedNetlist& netlist,
                         const ActivityLookup& activity, double period_ns) {
  return Calculator(liberty, netlist, activity, period_ns).Run();
}

}  // namespace labq::power
