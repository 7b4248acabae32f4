#include "power/liberty_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "common/error.h"
#include "common/text.h"
#include "power/liberty_syntax.h"

namespace labq::power {
namespace {

/// Reads one library group into Liberty; `file` names every error.
class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  Liberty Read(const LibertyGroup& library) {
    if (library.type != "library")
      Fail(library.line, "expected `library (name) { ... }`, found '" + library.type + "'");
    lib_.name = library.Name();
    lib_.file = file_;
    ReadUnits(library);
    ReadLibraryAttributes(library);
    for (const auto& group : library.groups) {
      if (group.type == "lu_table_template" || group.type == "power_lut_template")
        lib_.templates[group.Name()] = ReadTable(group, nullptr);
      else if (group.type == "wire_load")
        lib_.wire_loads.push_back(ReadWireLoad(group));
      else if (group.type == "operating_conditions")
        ReadOperatingConditions(group, library);
    }
    ResolveDefaultWireLoad(library);
    for (const auto& group : library.groups) {
      if (group.type != "cell") continue;
      lib_.cell_index[group.Name()] = lib_.cells.size();
      lib_.cells.push_back(ReadCell(group));
    }
    if (lib_.default_voltage == 0.0) lib_.default_voltage = lib_.nom_voltage;
    return std::move(lib_);
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& message) const {
    throw InputError({file_, line, 0}, "liberty", message);
  }

  double Number(const std::string& text, int line, std::string_view what) const {
    const std::optional<double> value = ParseDouble(Trim(text));
    if (!value) Fail(line, std::string(what) + ": '" + text + "' is not a number");
    return *value;
  }

  /// "1ns", "10ps", "1uA", "1nW": the SI scale of one unit.
  double UnitScale(const LibertyAttribute& attribute, std::string_view base) const {
    const std::string& text = attribute.values.front();
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
      ++i;
    const double multiplier =
        i == 0 ? 1.0 : Number(text.substr(0, i), attribute.line, attribute.name);
    std::string rest = text.substr(i);
    if (!rest.empty() && rest.back() == ';') rest.pop_back();
    rest = std::string(Trim(rest));
    const auto lower = [](std::string s) {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      return s;
    };
    if (lower(rest) == lower(std::string(base))) return multiplier;
    if (rest.size() == base.size() + 1 && lower(rest.substr(1)) == lower(std::string(base))) {
      switch (rest[0]) {
        case 'k':
        case 'K':
          return multiplier * 1e3;
        case 'm':
          return multiplier * 1e-3;
        case 'u':
        case 'U':
          return multiplier * 1e-6;
        case 'n':
        case 'N':
          return multiplier * 1e-9;
        case 'p':
        case 'P':
          return multiplier * 1e-12;
        case 'f':
        case 'F':
          return multiplier * 1e-15;
        default:
          break;
      }
    }
    Fail(attribute.line, attribute.name + ": unknown unit '" + text + "'");
  }

  void ReadUnits(const LibertyGroup& library) {
    LibertyUnits& units = lib_.units;
    if (const auto* a = library.Find("time_unit")) units.time_s = UnitScale(*a, "s");
    if (const auto* a = library.Find("voltage_unit")) units.voltage_v = UnitScale(*a, "V");
    if (const auto* a = library.Find("current_unit")) units.current_a = UnitScale(*a, "A");
    if (const auto* a = library.Find("leakage_power_unit"))
      units.leakage_power_w = UnitScale(*a, "W");
    if (const auto* a = library.Find("capacitive_load_unit")) {
      if (a->values.size() != 2) Fail(a->line, "capacitive_load_unit: expected (scale, pf|ff)");
      const double scale = Number(a->values[0], a->line, a->name);
      std::string unit = std::string(Trim(a->values[1]));
      std::transform(unit.begin(), unit.end(), unit.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (unit == "pf")
        units.capacitance_f = scale * 1e-12;
      else if (unit == "ff")
        units.capacitance_f = scale * 1e-15;
      else
        Fail(a->line, "capacitive_load_unit: unknown unit '" + a->values[1] + "' (pf or ff)");
    }
  }

  void ReadLibraryAttributes(const LibertyGroup& library) {
    if (const auto* v = library.Value("nom_voltage"))
      lib_.nom_voltage = Number(*v, library.Find("nom_voltage")->line, "nom_voltage");
    for (const auto& a : library.attributes) {
      if (a.name != "voltage_map") continue;
      if (a.values.size() != 2) Fail(a.line, "voltage_map: expected (name, volts)");
      lib_.voltage_map[a.values[0]] = Number(a.values[1], a.line, "voltage_map");
    }
    if (const auto* v = library.Value("default_wire_load_mode")) lib_.default_wire_load_mode = *v;
  }

  void ReadOperatingConditions(const LibertyGroup& group, const LibertyGroup& library) {
    const std::string* wanted = library.Value("default_operating_conditions");
    if (wanted == nullptr || *wanted != group.Name()) return;
    if (const auto* v = group.Value("voltage"))
      lib_.default_voltage = Number(*v, group.Find("voltage")->line, "voltage");
  }

  void ResolveDefaultWireLoad(const LibertyGroup& library) {
    const LibertyAttribute* a = library.Find("default_wire_load");
    if (a == nullptr) return;
    for (size_t i = 0; i < lib_.wire_loads.size(); ++i)
      if (lib_.wire_loads[i].name == a->values.front())
        lib_.default_wire_load = static_cast<int>(i);
    if (lib_.default_wire_load < 0)
      Fail(a->line, "default_wire_load: no wire_load group named '" + a->values.front() + "'");
  }

  WireLoad ReadWireLoad(const LibertyGroup& group) {
    WireLoad wl;
    wl.name = group.Name();
    for (const auto& a : group.attributes) {
      if (a.name == "capacitance")
        wl.capacitance = Number(a.values.front(), a.line, a.name);
      else if (a.name == "resistance")
        wl.resistance = Number(a.values.front(), a.line, a.name);
      else if (a.name == "slope")
        wl.slope = Number(a.values.front(), a.line, a.name);
      else if (a.name == "fanout_length") {
        if (a.values.size() < 2) Fail(a.line, "fanout_length: expected (fanout, length)");
        wl.fanout_length.emplace_back(Number(a.values[0], a.line, a.name),
                                      Number(a.values[1], a.line, a.name));
      }
    }
    std::sort(wl.fanout_length.begin(), wl.fanout_length.end());
    return wl;
  }

  /// "0.1, 0.2, 0.3" (possibly several such strings) -> numbers.
  std::vector<double> Numbers(const LibertyAttribute& a) const {
    std::vector<double> out;
    for (const auto& text : a.values) {
      const char* p = text.data();
      const char* end = p + text.size();
      while (p < end) {
        while (p < end && (*p == ' ' || *p == ',' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
        if (p >= end) break;
        double value = 0.0;
        const auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc() || !std::isfinite(value))
          Fail(a.line, a.name + ": '" + text + "' is not a list of numbers");
        out.push_back(value);
        p = next;
      }
    }
    return out;
  }

  static TableVariable Variable(const std::string& name) {
    if (name == "input_transition_time" || name == "input_net_transition" ||
        name == "related_pin_transition")
      return TableVariable::kInputTransition;
    if (name == "total_output_net_capacitance") return TableVariable::kOutputCapacitance;
    return TableVariable::kOther;
  }

  /// A template (tmpl == nullptr) or a table that names its template.
  LookupTable ReadTable(const LibertyGroup& group, const LookupTable* tmpl) {
    LookupTable table;
    if (tmpl != nullptr) table = *tmpl;
    for (int axis = 1; axis <= 3; ++axis) {
      const std::string suffix = std::to_string(axis);
      if (const auto* v = group.Value("variable_" + suffix)) {
        table.variables.resize(std::max<size_t>(table.variables.size(), axis));
        table.variables[axis - 1] = Variable(*v);
      }
      if (const auto* a = group.Find("index_" + suffix)) {
        table.indices.resize(std::max<size_t>(table.indices.size(), axis));
        table.indices[axis - 1] = Numbers(*a);
      }
    }
    table.indices.resize(std::min(table.indices.size(), table.variables.size()));
    if (const auto* a = group.Find("values")) {
      table.values = Numbers(*a);
      size_t expected = 1;
      for (const auto& index : table.indices) expected *= index.size();
      if (table.values.size() != expected && !(table.indices.empty() && table.values.size() == 1))
        Fail(a->line, group.type + ": " + std::to_string(table.values.size()) +
                          " values for a table of " + std::to_string(expected));
    }
    return table;
  }

  std::optional<LookupTable> TableIn(const LibertyGroup& group) {
    const std::string& name = group.Name();
    if (name.empty() || name == "scalar") return ReadTable(group, nullptr);
    const auto it = lib_.templates.find(name);
    if (it == lib_.templates.end())
      Fail(group.line, group.type + ": unknown table template '" + name + "'");
    return ReadTable(group, &it->second);
  }

  std::optional<BoolExpr> Expr(const LibertyCell& cell, const LibertyAttribute* a,
                               std::string_view what, std::string_view pin = {}) const {
    if (a == nullptr) return std::nullopt;
    const auto resolve = [&cell](std::string_view name) -> std::optional<int> {
      for (size_t i = 0; i < cell.variables.size(); ++i)
        if (cell.variables[i] == name) return static_cast<int>(i);
      return std::nullopt;
    };
    try {
      return BoolExpr::Parse(a->values.front(), resolve);
    } catch (const std::invalid_argument& e) {
      std::string where = "cell '" + cell.name + "'";
      if (!pin.empty()) where += " pin '" + std::string(pin) + "'";
      Fail(a->line,
           where + ": " + std::string(what) + " \"" + a->values.front() + "\": " + e.what());
    }
  }

  std::vector<int> RelatedPins(const LibertyCell& cell, const LibertyGroup& group) const {
    std::vector<int> pins;
    const LibertyAttribute* a = group.Find("related_pin");
    if (a == nullptr) return pins;
    for (const auto& name : SplitWhitespace(a->values.front())) {
      const int pin = cell.FindPin(name);
      if (pin < 0)
        Fail(a->line, "cell '" + cell.name + "': related_pin '" + name + "' is not a pin");
      pins.push_back(pin);
    }
    return pins;
  }

  static bool IsCheck(const std::string& type) {
    return StartsWith(type, "setup") || StartsWith(type, "hold") || StartsWith(type, "recovery") ||
           StartsWith(type, "removal") || StartsWith(type, "skew") ||
           StartsWith(type, "nochange") || StartsWith(type, "non_seq") ||
           type == "min_pulse_width" || type == "minimum_period" || type == "max_clock_tree_path" ||
           type == "min_clock_tree_path";
  }

  void ReadTiming(const LibertyCell& cell, const LibertyGroup& group, LibertyPin& pin) {
    const std::string* type = group.Value("timing_type");
    if (type != nullptr && IsCheck(*type)) return;
    TimingArc arc;
    if (const auto* sense = group.Value("timing_sense")) {
      if (*sense == "positive_unate")
        arc.sense = TimingSense::kPositiveUnate;
      else if (*sense == "negative_unate")
        arc.sense = TimingSense::kNegativeUnate;
    }
    for (const auto& sub : group.groups) {
      if (sub.type == "rise_transition")
        arc.rise_transition = TableIn(sub);
      else if (sub.type == "fall_transition")
        arc.fall_transition = TableIn(sub);
    }
    for (int related : RelatedPins(cell, group)) {
      arc.related_pin = related;
      pin.timing.push_back(arc);
    }
  }

  void ReadInternalPower(const LibertyCell& cell, const LibertyGroup& group, LibertyPin& pin) {
    InternalPower power;
    if (const auto* pg = group.Value("related_pg_pin")) power.related_pg_pin = *pg;
    power.when = Expr(cell, group.Find("when"), "when", pin.name);
    for (const auto& sub : group.groups) {
      if (sub.type == "rise_power")
        power.rise = TableIn(sub);
      else if (sub.type == "fall_power")
        power.fall = TableIn(sub);
      else if (sub.type == "power")
        power.rise = power.fall = TableIn(sub);
    }
    const std::vector<int> related = RelatedPins(cell, group);
    if (related.empty()) {
      pin.internal_power.push_back(std::move(power));
      return;
    }
    for (int r : related) {
      power.related_pin = r;
      pin.internal_power.push_back(power);
    }
  }

  static PinDirection Direction(const std::string& text) {
    if (text == "output") return PinDirection::kOutput;
    if (text == "inout") return PinDirection::kInout;
    if (text == "internal") return PinDirection::kInternal;
    return PinDirection::kInput;
  }

  static bool Truthy(const std::string* text) { return text != nullptr && *text == "true"; }

  /// Pins first (names only), so that every expression can refer to any
  /// pin whatever the order the groups come in.
  void DeclarePins(const LibertyGroup& group, LibertyCell& cell) {
    for (const auto& sub : group.groups) {
      if (sub.type != "pin") continue;
      for (const auto& name : sub.args) {
        LibertyPin pin;
        pin.name = name;
        pin.line = sub.line;
        cell.pins.push_back(std::move(pin));
        cell.variables.push_back(name);
      }
    }
    for (const auto& sub : group.groups) {
      if (sub.type != "ff" && sub.type != "latch") continue;
      Sequential seq;
      seq.latch = sub.type == "latch";
      if (!sub.args.empty()) seq.state = sub.args[0];
      if (sub.args.size() > 1) seq.state_inv = sub.args[1];
      for (const auto& var : {seq.state, seq.state_inv})
        if (!var.empty()) cell.variables.push_back(var);
      cell.sequentials.push_back(std::move(seq));
    }
  }

  void ReadSequentials(const LibertyGroup& group, LibertyCell& cell) {
    size_t i = 0;
    for (const auto& sub : group.groups) {
      if (sub.type != "ff" && sub.type != "latch") continue;
      Sequential& seq = cell.sequentials[i++];
      seq.clocked_on = Expr(cell, sub.Find(seq.latch ? "enable" : "clocked_on"), "clocked_on");
      seq.next_state = Expr(cell, sub.Find(seq.latch ? "data_in" : "next_state"), "next_state");
    }
  }

  void ReadPin(const LibertyGroup& sub, LibertyCell& cell, LibertyPin& pin) {
    for (const auto& a : sub.attributes) {
      const std::string& v = a.values.front();
      if (a.name == "direction")
        pin.direction = Direction(v);
      else if (a.name == "capacitance")
        pin.capacitance = Number(v, a.line, a.name);
      else if (a.name == "rise_capacitance")
        pin.rise_capacitance = Number(v, a.line, a.name);
      else if (a.name == "fall_capacitance")
        pin.fall_capacitance = Number(v, a.line, a.name);
      else if (a.name == "clock")
        pin.clock = Truthy(&v);
      else if (a.name == "related_power_pin")
        pin.related_power_pin = v;
      else if (a.name == "function")
        pin.function = Expr(cell, &a, "function", pin.name);
    }
    if (sub.Find("rise_capacitance") == nullptr) pin.rise_capacitance = pin.capacitance;
    if (sub.Find("fall_capacitance") == nullptr) pin.fall_capacitance = pin.capacitance;
    for (const auto& g : sub.groups) {
      if (g.type == "internal_power")
        ReadInternalPower(cell, g, pin);
      else if (g.type == "timing")
        ReadTiming(cell, g, pin);
    }
  }

  LibertyCell ReadCell(const LibertyGroup& group) {
    LibertyCell cell;
    cell.name = group.Name();
    cell.line = group.line;
    DeclarePins(group, cell);
    for (const auto& a : group.attributes) {
      if (a.name == "area")
        cell.area = Number(a.values.front(), a.line, a.name);
      else if (a.name == "cell_leakage_power")
        cell.cell_leakage_power = Number(a.values.front(), a.line, a.name);
    }
    size_t pin_index = 0;
    for (const auto& sub : group.groups) {
      if (sub.type == "pin") {
        for (size_t k = 0; k < sub.args.size(); ++k) ReadPin(sub, cell, cell.pins[pin_index++]);
      } else if (sub.type == "leakage_power") {
        LeakagePower leak;
        leak.when = Expr(cell, sub.Find("when"), "when");
        if (const auto* a = sub.Find("value"))
          leak.value = Number(a->values.front(), a->line, a->name);
        cell.leakage_power.push_back(std::move(leak));
      } else if (sub.type == "pg_pin") {
        if (const auto* v = sub.Value("voltage_name")) cell.pg_voltage_names[sub.Name()] = *v;
      }
    }
    ReadSequentials(group, cell);
    return cell;
  }

  const std::string& file_;
  Liberty lib_;
};

}  // namespace

Liberty ReadLibertyText(std::string_view text, const std::string& file) {
  const LibertyGroup library = ParseLibertySyntax(text, file);
  return Reader(file).Read(library);
}

Liberty ReadLiberty(const std::filesystem::path& path) {
  const std::string text = ReadFile(path.string());
  if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
      static_cast<unsigned char>(text[1]) == 0x8b)
    throw Error(path.string() + ": a gzip file; stage it as a plain .lib first (jobs/liberty.h)");
  return ReadLibertyText(text, path.string());
}

}  // namespace labq::power
