#pragma once
/// A flat gate-level netlist as Yosys writes it with `write_json` after
/// technology mapping: library cells connected bit by bit, the nets named as
/// in netlist.v, and the top ports. Bits are Yosys's: 0 and 1 are the
/// constants (x and z read as 0), nets start at 2.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace labq::power {

enum class PortDirection { kInput, kOutput, kInout };

struct CellPin {
  std::string port;  ///< the liberty pin name
  int bit = 0;       ///< the net it connects to
};

struct NetlistCell {
  std::string name;
  std::string type;  ///< the liberty cell
  std::vector<CellPin> pins;
};

struct NetlistPort {
  std::string name;  ///< one bit: "a[3]" for bit 3 of bus a
  PortDirection direction = PortDirection::kInput;
  int bit = 0;
};

struct MappedNetlist {
  std::string top;
  std::vector<NetlistCell> cells;
  std::vector<NetlistPort> ports;
  /// The name of each bit (index = bit id; "" for the constants and for
  /// bits no net name covers).
  std::vector<std::string> net_names;

  int bit_count() const { return static_cast<int>(net_names.size()); }
  static bool IsConstant(int bit) { return bit < 2; }
};

/// Reads Yosys JSON (`write_json`) and returns module `top`. Throws
/// labq::Error naming the file when it is unreadable, not Yosys JSON, or
/// has no such module.
MappedNetlist ReadMappedNetlist(const std::filesystem::path& json, const std::string& top);

/// The same from text in memory; `file` names it in errors.
MappedNetlist ParseMappedNetlist(std::string_view json, const std::string& top,
                                 const std::string& file);

}  // namespace labq::power
