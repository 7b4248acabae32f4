#pragma once
/// A liberty's cells as logic: Yosys's `read_liberty` (without -lib) turns
/// each cell's `function`, `ff` and `latch` groups into simple gates
/// ($_AND_, $_OR_, $_NOT_, $_XOR_, $_DFF_P_, $_DFFSR_PNN_, ...), and
/// `write_json` hands them to labq. No vendor Verilog is needed, so any
/// liberty works. The script is rendered here; the caller runs it (the synth
/// job through its StepRunner, tests directly).

#include <map>
#include <string>
#include <vector>

namespace labq::gatesim {

/// One primitive of a cell model, as Yosys names it ($_AND_), with its
/// connections as model bit ids (>= 2; 0 and 1 are the constants, -1 is x).
struct CellPrimitive {
  std::string type;
  std::map<std::string, int> pins;  ///< A, B, S, Y, C, D, Q, R, E: one bit each
};

struct CellModel {
  std::string name;
  struct Port {
    std::string name;
    bool input = true;
    std::vector<int> bits;  ///< lsb first
  };
  std::vector<Port> ports;
  std::vector<CellPrimitive> primitives;
  int max_bit = 1;  ///< bit ids are 0 .. max_bit
};

struct CellLibrary {
  std::string liberty;  ///< the liberty file, for errors
  std::map<std::string, CellModel> cells;
};

/// The Yosys script that writes the cell models of `liberty_file` as JSON to
/// `json_file` (both relative names in the job folder: they are checked to
/// be plain paths, letters, digits and `/ . _ - +`, and not to start with
/// `-`). `-ignore_miss_func` keeps cells without a function out of the JSON
/// (clock gaters): BuildGateNetlist names such a cell if the netlist uses it.
std::string RenderCellLibraryScript(const std::string& liberty_file, const std::string& json_file);

/// argv that runs the script file `script_file` (in the job folder).
std::vector<std::string> CellLibraryYosysArgv(const std::string& script_file);

/// Reads Yosys's JSON. `liberty` names the liberty file in errors. Throws
/// labq::Error.
CellLibrary ReadCellLibraryJson(const std::string& json_path, const std::string& liberty);

/// When Yosys failed reading the liberty: its error translated to name the
/// liberty file, line and cell (Yosys's own message names neither), e.g.
/// `lib.lib:7: cell BADX1: pin Y: function "(A @ B)" cannot be read
/// (Yosys: Expected identifier at `@ B)'.)`. `yosys_output` is its stdout
/// and stderr. Returns "" when the output holds no Yosys ERROR line.
std::string ExplainLibertyError(const std::string& yosys_output, const std::string& liberty_path);

}  // namespace labq::gatesim
