#pragma once
/// The mapped netlist a synthesis flow writes (Yosys `write_verilog -noattr
/// -noexpr`: one module of wires and standard-cell instances with named port
/// connections, maybe `assign` aliases), read as nets and instances. Net
/// names are the netlist's own: `name` for a scalar wire, `name[i]` for bit
/// i of a vector, an escaped identifier without its backslash (`\a[3] ` is
/// `a[3]`). These are the names activity files and the power calculator use.

#include <cstdint>
#include <string>
#include <vector>

namespace labq::gatesim {

/// A net of the netlist, or a constant.
using NetRef = int32_t;
constexpr NetRef kConst0 = -1;
constexpr NetRef kConst1 = -2;
constexpr NetRef kUnconnected = -3;  ///< `.A()`, or an `x`/`z` bit

struct Instance {
  std::string cell;  ///< the standard cell (INVX1)
  std::string name;  ///< the instance (_04998_)
  int line = 0;      ///< in the netlist file
  struct Pin {
    std::string port;
    std::vector<NetRef> bits;  ///< lsb first
  };
  std::vector<Pin> pins;
};

struct MappedNetlist {
  std::string file;
  std::string top;
  std::vector<std::string> nets;  ///< NetRef i is nets[i]
  struct Port {
    std::string name;  ///< the net's name (a[3]); one entry per bit
    NetRef net;
    bool input;
  };
  std::vector<Port> ports;
  std::vector<Instance> instances;
  std::vector<std::pair<NetRef, NetRef>> assigns;  ///< lhs = rhs, bit by bit
};

/// Reads the one module of `path` (or the module named `top` when the file
/// holds several). Throws InputError naming the file, line and column.
MappedNetlist ReadMappedNetlist(const std::string& path, const std::string& top = "");
/// The same from text (`file` names it in errors).
MappedNetlist ParseMappedNetlist(const std::string& text, const std::string& file,
                                 const std::string& top = "");

}  // namespace labq::gatesim
