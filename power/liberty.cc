#include "power/liberty.h"

namespace labq::power {

int LibertyCell::FindPin(std::string_view pin) const {
  for (size_t i = 0; i < pins.size(); ++i)
    if (pins[i].name == pin) return static_cast<int>(i);
  return -1;
}

double WireLoad::Length(double fanout) const {
  if (fanout_length.empty()) return 0.0;
  const auto& [last_fanout, last_length] = fanout_length.back();
  if (fanout > last_fanout) return last_length + (fanout - last_fanout) * slope;
  const auto& [first_fanout, first_length] = fanout_length.front();
  if (fanout < first_fanout) {
    const double length = first_length - (first_fanout - fanout) * slope;
    return length < 0.0 ? 0.0 : length;
  }
  for (size_t i = 0; i + 1 < fanout_length.size(); ++i) {
    const auto& [f0, l0] = fanout_length[i];
    const auto& [f1, l1] = fanout_length[i + 1];
    if (fanout <= f1) return f1 == f0 ? l1 : l0 + (fanout - f0) * (l1 - l0) / (f1 - f0);
  }
  return last_length;
}

const LibertyCell* Liberty::FindCell(const std::string& cell) const {
  const auto it = cell_index.find(cell);
  return it == cell_index.end() ? nullptr : &cells[it->second];
}

const WireLoad* Liberty::DefaultWireLoad() const {
  return default_wire_load < 0 ? nullptr : &wire_loads[static_cast<size_t>(default_wire_load)];
}

double Liberty::PinVoltage(const LibertyCell& cell, const LibertyPin& pin) const {
  if (!pin.related_power_pin.empty()) {
    const auto pg = cell.pg_voltage_names.find(pin.related_power_pin);
    if (pg != cell.pg_voltage_names.end()) {
      const auto volt = voltage_map.find(pg->second);
      if (volt != voltage_map.end()) return volt->second;
    }
  }
  return default_voltage;
}

}  // namespace labq::power
