#include "gatesim/cell_library.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "common/error.h"
#include "common/text.h"

namespace labq::gatesim {
namespace {

/// Cell-model JSON of the largest liberties (Sky130: ~400 cells) is a few
/// MB; 256 MiB bounds a runaway file.
constexpr size_t kMaxJsonBytes = size_t{256} << 20;

void RequirePlainPath(const std::string& what, const std::string& path) {
  static const std::regex plain(R"([A-Za-z0-9_./+][A-Za-z0-9_./+-]*)");
  if (!std::regex_match(path, plain)) {
    throw Error("gatesim: " + what + " '" + path +
                "' is not a plain relative path (letters, digits, / . _ - +)");
  }
}

/// A bit of Yosys's JSON: a number, or "0", "1", "x", "z".
int BitOf(const nlohmann::json& bit) {
  if (bit.is_number_integer()) return bit.get<int>();
  const std::string s = bit.get<std::string>();
  if (s == "0") return 0;
  if (s == "1") return 1;
  return -1;
}

}  // namespace

std::string RenderCellLibraryScript(const std::string& liberty_file, const std::string& json_file) {
  RequirePlainPath("liberty file", liberty_file);
  RequirePlainPath("JSON file", json_file);
  return "# Cell models for labq's gate-level activity simulation (gatesim/cell_library.h):\n"
         "# read_liberty without -lib turns each cell's function/ff/latch into simple gates.\n"
         "read_liberty -ignore_miss_func " +
         liberty_file + "\nwrite_json " + json_file + "\n";
}

std::vector<std::string> CellLibraryYosysArgv(const std::string& script_file) {
  RequirePlainPath("script file", script_file);
  return {"yosys", "-q", "-s", script_file};
}

CellLibrary ReadCellLibraryJson(const std::string& json_path, const std::string& liberty) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(ReadInputFile(json_path, kMaxJsonBytes, "cell-model JSON"));
  } catch (const nlohmann::json::exception& e) {
    throw Error(json_path + ": not Yosys JSON: " + e.what());
  }
  CellLibrary lib;
  lib.liberty = liberty;
  if (!doc.contains("modules") || !doc["modules"].is_object()) {
    throw Error(json_path + ": no modules (is it Yosys's write_json output?)");
  }
  try {
    for (const auto& [name, module] : doc["modules"].items()) {
      CellModel cell;
      cell.name = name;
      auto note = [&](int bit) { cell.max_bit = std::max(cell.max_bit, bit); };
      for (const auto& [port, desc] : module["ports"].items()) {
        CellModel::Port p;
        p.name = port;
        const std::string dir = desc["direction"].get<std::string>();
        if (dir == "inout") {
          throw Error(json_path + ": cell " + name + " of " + liberty + ": inout port " + port +
                      " is not supported");
        }
        p.input = dir == "input";
        for (const auto& bit : desc["bits"]) {
          p.bits.push_back(BitOf(bit));
          note(p.bits.back());
        }
        cell.ports.push_back(std::move(p));
      }
      for (const auto& [instance, c] : module["cells"].items()) {
        CellPrimitive prim;
        prim.type = c["type"].get<std::string>();
        for (const auto& [pin, bits] : c["connections"].items()) {
          if (bits.size() != 1) {
            throw Error(json_path + ": cell " + name + " of " + liberty + ": primitive " +
                        prim.type + " pin " + pin + " is not one bit");
          }
          prim.pins[pin] = BitOf(bits[0]);
          note(prim.pins[pin]);
        }
        cell.primitives.push_back(std::move(prim));
      }
      lib.cells.emplace(name, std::move(cell));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(json_path + ": unexpected Yosys JSON: " + e.what());
  }
  return lib;
}

std::string ExplainLibertyError(const std::string& yosys_output, const std::string& liberty_path) {
  std::smatch m;
  static const std::regex error_re(R"(ERROR: ([^\n]*))");
  if (!std::regex_search(yosys_output, m, error_re)) return "";
  const std::string yosys_message = m[1];
  std::string fragment;
  static const std::regex at_re(R"(at `(.*)'\.?$)");
  if (std::smatch at; std::regex_search(yosys_message, at, at_re)) fragment = at[1];
  std::string text;
  try {
    text = ReadFile(liberty_path);
  } catch (const Error&) {
    return liberty_path + ": Yosys cannot read this liberty: " + yosys_message;
  }
  // The function attribute holding the fragment Yosys stopped at, and the
  // cell and pin groups it sits in.
  static const std::regex function_re(R"re(function\s*:\s*"([^"]*)")re");
  static const std::regex cell_re(R"re(\bcell\s*\(\s*"?([^")\s]+)"?\s*\))re");
  static const std::regex pin_re(R"re(\bpin\s*\(\s*"?([^")\s]+)"?\s*\))re");
  const auto lines = SplitLines(text);
  std::string cell, pin;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch g;
    if (std::regex_search(lines[i], g, cell_re)) cell = g[1];
    if (std::regex_search(lines[i], g, pin_re)) pin = g[1];
    if (fragment.empty() || !std::regex_search(lines[i], g, function_re)) continue;
    const std::string function = g[1];
    if (function.find(fragment.substr(0, fragment.find_last_not_of(")") + 1)) ==
        std::string::npos) {
      continue;
    }
    return liberty_path + ":" + std::to_string(i + 1) + ": cell " + cell + ": pin " + pin +
           ": function \"" + function + "\" cannot be read (Yosys: " + yosys_message + ")";
  }
  static const std::regex cell_named_re(R"(of cell ([^ .]+))");
  if (std::smatch c; std::regex_search(yosys_message, c, cell_named_re)) {
    return liberty_path + ": cell " + std::string(c[1]) + ": " + yosys_message;
  }
  return liberty_path + ": Yosys cannot read this liberty: " + yosys_message;
}

}  // namespace labq::gatesim
