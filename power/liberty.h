#pragma once
/// What labq's power calculator needs from a Liberty library, in SI units
/// where the library's units are known (see LibertyUnits): cells with their
/// pins, capacitances, functions, timing slews, internal power tables,
/// leakage and sequential groups; the wire-load models. Read by
/// liberty_reader.h.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "power/bool_expr.h"
#include "power/lookup_table.h"

namespace labq::power {

/// The scale of one library unit in SI. Tables and attributes are kept in
/// library units; the calculator scales once per sum.
struct LibertyUnits {
  double time_s = 1e-9;
  double voltage_v = 1.0;
  double capacitance_f = 1e-12;
  double leakage_power_w = 1e-9;
  double current_a = 1e-3;
  /// Internal power tables are energies in voltage_unit^2 * capacitive_load_unit
  /// (the Liberty convention OpenSTA's LibertyReader::setEnergyScale follows).
  double energy_j() const { return voltage_v * voltage_v * capacitance_f; }
};

enum class PinDirection { kInput, kOutput, kInout, kInternal };
enum class TimingSense { kPositiveUnate, kNegativeUnate, kNonUnate };

struct InternalPower {
  int related_pin = -1;  ///< pin index in the cell, -1 when none is named
  std::string related_pg_pin;
  std::optional<BoolExpr> when;
  std::optional<LookupTable> rise;  ///< rise_power, or `power` for both
  std::optional<LookupTable> fall;
};

/// A delay arc that sets an output's slew (combinational or clock-to-output;
/// setup, hold and pulse-width checks are left out).
struct TimingArc {
  int related_pin = -1;
  TimingSense sense = TimingSense::kNonUnate;
  std::optional<LookupTable> rise_transition;
  std::optional<LookupTable> fall_transition;
};

struct LibertyPin {
  std::string name;
  PinDirection direction = PinDirection::kInput;
  double capacitance = 0.0;  ///< library units
  double rise_capacitance = 0.0;
  double fall_capacitance = 0.0;
  bool clock = false;
  std::optional<BoolExpr> function;
  std::string related_power_pin;
  std::vector<InternalPower> internal_power;
  std::vector<TimingArc> timing;
  int line = 0;
};

struct LeakagePower {
  std::optional<BoolExpr> when;
  double value = 0.0;  ///< leakage_power_unit
};

/// An ff or latch group: its state variables and how they are clocked.
struct Sequential {
  bool latch = false;
  std::string state;                   ///< IQ
  std::string state_inv;               ///< IQN (may be empty)
  std::optional<BoolExpr> clocked_on;  ///< or a latch's `enable`
  std::optional<BoolExpr> next_state;  ///< or a latch's `data_in`
};

struct LibertyCell {
  std::string name;
  double area = 0.0;
  std::optional<double> cell_leakage_power;  ///< leakage_power_unit
  std::vector<LeakagePower> leakage_power;
  std::vector<LibertyPin> pins;
  std::vector<Sequential> sequentials;
  /// pg_pin name -> voltage_name (voltage_map key).
  std::map<std::string, std::string> pg_voltage_names;
  /// Variables of this cell's expressions: pins first (same indices), then
  /// the sequential state variables.
  std::vector<std::string> variables;
  int line = 0;

  bool is_sequential() const { return !sequentials.empty(); }
  int FindPin(std::string_view pin) const;  ///< -1 when absent
};

struct WireLoad {
  std::string name;
  double capacitance = 0.0;  ///< per unit length, capacitive_load_unit
  double resistance = 0.0;
  double slope = 0.0;
  std::vector<std::pair<double, double>> fanout_length;  ///< sorted by fanout
  /// The estimated length of a net with `fanout` loads: the table's entry,
  /// linear between entries, and the slope outside them (OpenSTA's rule).
  double Length(double fanout) const;
};

struct Liberty {
  std::string name;
  std::filesystem::path file;
  LibertyUnits units;
  double nom_voltage = 0.0;
  double default_voltage = 0.0;  ///< default operating conditions', else nom_voltage
  std::map<std::string, double> voltage_map;
  std::map<std::string, LookupTable> templates;  ///< lu_table_template, power_lut_template
  std::vector<WireLoad> wire_loads;
  int default_wire_load = -1;  ///< index into wire_loads, -1 when the library names none
  std::string default_wire_load_mode;
  std::vector<LibertyCell> cells;
  std::unordered_map<std::string, size_t> cell_index;

  const LibertyCell* FindCell(const std::string& cell) const;
  /// The wire-load model OpenSTA applies with no set_wire_load_model: the
  /// library's default_wire_load, or nullptr.
  const WireLoad* DefaultWireLoad() const;
  /// The supply voltage of a pin: its related_power_pin's voltage_map entry,
  /// else the default operating conditions' voltage.
  double PinVoltage(const LibertyCell& cell, const LibertyPin& pin) const;
};

}  // namespace labq::power
