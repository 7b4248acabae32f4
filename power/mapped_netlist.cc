#include "power/mapped_netlist.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/text.h"

namespace labq::power {
namespace {

using nlohmann::json;

/// A member that may be absent, as a reference (an empty object if absent).
const json& Member(const json& object, const char* key) {
  static const json kEmpty = json::object();
  const auto it = object.find(key);
  return it == object.end() ? kEmpty : *it;
}

/// A connection bit: a net id, or "0"/"1"/"x"/"z" for a constant.
int Bit(const json& value) {
  if (value.is_number_integer()) return value.get<int>();
  if (value.is_string() && value.get<std::string>() == "1") return 1;
  return 0;
}

PortDirection Direction(const std::string& text) {
  if (text == "output") return PortDirection::kOutput;
  if (text == "inout") return PortDirection::kInout;
  return PortDirection::kInput;
}

/// Bit `i` of a `width`-bit name: the name itself when it is one bit wide.
std::string BitName(const std::string& name, size_t width, size_t i, int offset, bool upto) {
  if (width == 1) return name;
  const int index = upto ? offset + static_cast<int>(width - 1 - i) : offset + static_cast<int>(i);
  return name + "[" + std::to_string(index) + "]";
}

void NameBits(const json& entries, bool hidden_too, MappedNetlist& out) {
  for (const auto& [name, entry] : entries.items()) {
    const bool hidden = entry.value("hide_name", 0) != 0;
    if (hidden != hidden_too) continue;
    const json& bits = entry.at("bits");
    const int offset = entry.value("offset", 0);
    const bool upto = entry.value("upto", 0) != 0;
    for (size_t i = 0; i < bits.size(); ++i) {
      const int bit = Bit(bits[i]);
      if (MappedNetlist::IsConstant(bit)) continue;
      if (bit >= out.bit_count()) out.net_names.resize(static_cast<size_t>(bit) + 1);
      std::string& slot = out.net_names[static_cast<size_t>(bit)];
      if (slot.empty()) slot = BitName(name, bits.size(), i, offset, upto);
    }
  }
}

}  // namespace

MappedNetlist ParseMappedNetlist(std::string_view text, const std::string& top,
                                 const std::string& file) {
  MappedNetlist out;
  out.top = top;
  try {
    const json doc = json::parse(text);
    const json& modules = doc.at("modules");
    if (!modules.contains(top)) throw Error(file + ": no module '" + top + "' in the netlist");
    const json& module = modules.at(top);
    int max_bit = 1;
    for (const auto& [name, cell] : Member(module, "cells").items()) {
      NetlistCell c;
      c.name = name;
      c.type = cell.at("type").get<std::string>();
      for (const auto& [port, bits] : cell.at("connections").items()) {
        if (bits.size() != 1)
          throw Error(file + ": cell '" + name + "' port '" + port + "' has " +
                      std::to_string(bits.size()) + " bits; a mapped netlist has one per pin");
        c.pins.push_back({port, Bit(bits[0])});
        max_bit = std::max(max_bit, c.pins.back().bit);
      }
      out.cells.push_back(std::move(c));
    }
    for (const auto& [name, port] : Member(module, "ports").items()) {
      const json& bits = port.at("bits");
      const PortDirection direction = Direction(port.at("direction").get<std::string>());
      const int offset = port.value("offset", 0);
      const bool upto = port.value("upto", 0) != 0;
      for (size_t i = 0; i < bits.size(); ++i) {
        out.ports.push_back({BitName(name, bits.size(), i, offset, upto), direction, Bit(bits[i])});
        max_bit = std::max(max_bit, out.ports.back().bit);
      }
    }
    out.net_names.resize(static_cast<size_t>(max_bit) + 1);
    const json& netnames = Member(module, "netnames");
    NameBits(netnames, false, out);  // visible names win over Yosys's internal ones
    NameBits(netnames, true, out);
  } catch (const json::exception& e) {
    throw Error(file + ": not a Yosys JSON netlist: " + e.what());
  }
  return out;
}

MappedNetlist ReadMappedNetlist(const std::filesystem::path& json_path, const std::string& top) {
  return ParseMappedNetlist(ReadFile(json_path.string()), top, json_path.string());
}

}  // namespace labq::power
