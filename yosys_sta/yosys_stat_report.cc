#include "yosys_sta/yosys_stat_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"

namespace labq::yosys_sta {
namespace {

/// Statistic labels as both layouts spell them ("Number of wire bits:" and
/// "    13262        - wire bits") and the value names we store them under.
struct StatName {
  std::string_view label;
  std::string_view value;
};
constexpr StatName kStatNames[] = {{"wires", "wire_count"},
                                   {"wire bits", "wire_bits"},
                                   {"public wires", "public_wire_count"},
                                   {"public wire bits", "public_wire_bits"},
                                   {"ports", "port_count"},
                                   {"port bits", "port_bits"},
                                   {"memories", "memory_count"},
                                   {"memory bits", "memory_bits"},
                                   {"processes", "process_count"},
                                   {"cells", "cell_count"},
                                   {"submodules", "submodule_count"}};

std::optional<std::string> StatValueName(std::string_view label) {
  for (const auto& stat : kStatNames) {
    if (stat.label == label) return std::string(stat.value);
  }
  return std::nullopt;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Yosys pass headers ("27. Printing statistics.", "2.51. Executing ...")
/// start at column 0 with dotted numbers; stat lines are always indented.
bool IsPassHeader(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (std::isdigit(static_cast<unsigned char>(line[i])) || line[i] == '.'))
    ++i;
  return i >= 2 && std::isdigit(static_cast<unsigned char>(line[0])) && line[i - 1] == '.' &&
         i < line.size() && line[i] == ' ';
}

/// "=== name ===" (optionally "=== name (partially selected) ===") -> name.
std::optional<std::string> SectionName(std::string_view line) {
  auto t = Trim(line);
  if (t.size() < 8 || !StartsWith(t, "=== ") || !EndsWith(t, " ===")) return std::nullopt;
  auto name = Trim(t.substr(4, t.size() - 8));
  constexpr std::string_view kPartial = " (partially selected)";
  if (EndsWith(name, kPartial)) name = Trim(name.substr(0, name.size() - kPartial.size()));
  if (name.empty()) return std::nullopt;
  return std::string(name);
}

std::string StripBackslash(std::string_view name) {
  if (!name.empty() && name.front() == '\\') name.remove_prefix(1);
  return std::string(name);
}

/// Statistics of one "=== ... ===" section.
struct Section {
  std::string name;  ///< Module name; for the hierarchy section, its top module.
  int line = 0;      ///< Line of the "=== ... ===" header.
  bool hierarchy = false;
  bool table = false;
  std::map<std::string, Quantity> values;
  std::vector<std::pair<std::string, std::map<std::string, Quantity>>> rows;
  std::optional<Quantity> table_cells_area;  ///< Rounded area of the table's "cells" row.
  std::vector<std::string> unknown_area;
};

/// Reads the lines of one section. Every line must be one Yosys prints in a
/// stat section; anything else is an error rather than something skipped, so
/// a format change shows up as a failure instead of a wrong number.
class SectionParser {
 public:
  SectionParser(const std::string& file, Section& section) : file_(file), s_(section) {}

  void Read(std::string_view raw, int line) {
    auto t = Trim(raw);
    if (t.empty()) {
      list_ = List::kNone;
      return;
    }
    if (StartsWith(t, "Warning:") || StartsWith(t, "Estimated number of ")) return;
    if (StartsWith(t, "Number of ") && Contains(t, ":")) return ReadClassicStat(t, line);
    if (StartsWith(t, "Chip area for ")) return ReadChipArea(t, line);
    if (StartsWith(t, "of which used for sequential elements:")) return ReadSequential(t, line);
    if (StartsWith(t, "Area for cell type ") && EndsWith(t, " is unknown!")) {
      auto type = t.substr(19, t.size() - 19 - 12);
      s_.unknown_area.push_back(StripBackslash(Trim(type)));
      return;
    }
    // Column headers: "+----------Local Count, ..." then "|        +-Local Area, ...",
    // each "|" standing for a column named above; "|        |" closes them.
    auto bars = t.find_first_not_of("| ");
    if (bars == std::string_view::npos) return;
    if (StartsWith(t.substr(bars), "+-")) return ReadColumnHeader(t.substr(bars));
    if (!columns_.empty()) return ReadTableRow(raw, line);
    return ReadClassicRow(t, line);
  }

 private:
  enum class List { kNone, kCells, kSubmodules };

  [[noreturn]] void Unrecognized(std::string_view t, int line, const std::string& why) {
    FailAt(file_, line, "unrecognized line in Yosys 'stat' output (" + why + "): " + Excerpt(t));
  }

  void ReadClassicStat(std::string_view t, int line) {
    auto colon = t.find(':');
    auto label = Trim(t.substr(10, colon - 10));
    auto value = ParseNumber(Trim(t.substr(colon + 1)));
    if (!value) Unrecognized(t, line, "the count is not a number");
    stats_seen_ = true;
    list_ = label == "cells" ? List::kCells : List::kNone;
    if (auto name = StatValueName(label)) {
      s_.values[*name] = MakeQuantity(Dimension::kCount, *value, "", line);
    }
  }

  void ReadChipArea(std::string_view t, int line) {
    // Chip area for module '\ser_top': 17.787600
    // Chip area for top module '\top': 2070.000000
    auto open = t.find('\'');
    auto close = t.rfind("':");
    if (open == std::string_view::npos || close == std::string_view::npos || close <= open)
      Unrecognized(t, line, "no quoted module name");
    auto value = ParseNumber(Trim(t.substr(close + 2)));
    if (!value) Unrecognized(t, line, "the area is not a number");
    if (s_.name.empty()) s_.name = StripBackslash(t.substr(open + 1, close - open - 1));
    s_.values["area"] = MakeQuantity(Dimension::kArea, *value, "um^2", line);
    list_ = List::kNone;
  }

  void ReadSequential(std::string_view t, int line) {
    // of which used for sequential elements: 325692.057600 (21.44%)
    auto tokens = SplitWhitespace(t.substr(t.find(':') + 1));
    std::optional<double> value;
    if (!tokens.empty()) value = ParseNumber(tokens[0]);
    if (!value) Unrecognized(t, line, "the area is not a number");
    s_.values["sequential_area"] = MakeQuantity(Dimension::kArea, *value, "um^2", line);
  }

  void ReadColumnHeader(std::string_view t) {
    // "+----------Local Count, excluding submodules." names the next column.
    if (!header_open_) {
      columns_.clear();
      tree_block_ = false;
      block_started_ = false;
    }
    header_open_ = true;
    // A rule of only "+---" has no label (found by fuzz_yosys_stat).
    const size_t start = t.find_first_not_of("+-");
    auto label = start == std::string_view::npos ? std::string_view() : Trim(t.substr(start));
    columns_.push_back(Lower(label));
    s_.table = true;
    list_ = List::kNone;
  }

  /// Index of the column to read a quantity from: the one including
  /// submodules when Yosys printed both, since those are the module's totals.
  std::optional<size_t> Column(std::string_view what) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (StartsWith(columns_[i], std::string(what) + " including")) return i;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (Contains(columns_[i], what)) return i;
    }
    return std::nullopt;
  }

  void ReadTableRow(std::string_view raw, int line) {
    header_open_ = false;
    // Token spans, so that the indentation of the label can be measured:
    // cell types are indented under "cells", statistic labels are not.
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t i = 0; i < raw.size();) {
      while (i < raw.size() && std::isspace(static_cast<unsigned char>(raw[i]))) ++i;
      size_t start = i;
      while (i < raw.size() && !std::isspace(static_cast<unsigned char>(raw[i]))) ++i;
      if (i > start) spans.emplace_back(start, i);
    }
    const size_t n = columns_.size();
    auto t = Trim(raw);
    if (spans.size() < n + 1) Unrecognized(t, line, "fewer columns than the table header names");
    std::vector<std::optional<double>> cells(n);
    for (size_t i = 0; i < n; ++i) {
      auto token = raw.substr(spans[i].first, spans[i].second - spans[i].first);
      if (token == "-") continue;
      cells[i] = ParseNumber(token);
      if (!cells[i]) Unrecognized(t, line, "column " + std::to_string(i + 1) + " is not a number");
    }
    std::string label(Trim(raw.substr(spans[n].first)));
    const bool indented = spans[n].first - spans[n - 1].second >= 2;

    if (!block_started_) {
      block_started_ = true;
      // The hierarchy section opens with a module tree whose first row is
      // the top module; its totals follow under a second header.
      if (s_.hierarchy && !indented && !StatValueName(label)) {
        tree_block_ = true;
        if (s_.name.empty()) s_.name = label;
      }
    }
    if (tree_block_) return;

    std::optional<double> count, area;
    if (auto c = Column("count")) count = cells[*c];
    if (auto a = Column("area")) area = cells[*a];
    if (!indented) {
      list_ = label == "cells" ? List::kCells
                               : (label == "submodules" ? List::kSubmodules : List::kNone);
      auto name = StatValueName(label);
      if (name && count) s_.values[*name] = MakeQuantity(Dimension::kCount, *count, "", line);
      if (label == "cells" && area) {
        s_.table_cells_area = MakeQuantity(Dimension::kArea, *area, "um^2", line);
      }
      return;
    }
    if (list_ == List::kSubmodules) return;
    if (list_ != List::kCells) Unrecognized(t, line, "indented row outside the cell list");
    if (!count) Unrecognized(t, line, "cell type without a count");
    std::map<std::string, Quantity> row;
    row["count"] = MakeQuantity(Dimension::kCount, *count, "", line);
    if (area) row["area"] = MakeQuantity(Dimension::kArea, *area, "um^2", line);
    s_.rows.emplace_back(label, std::move(row));
  }

  void ReadClassicRow(std::string_view t, int line) {
    // "     AND2x2_ASAP7_75t_SL            12" under "Number of cells:", or a
    // row of the module tree that opens the classic hierarchy section.
    auto tokens = SplitWhitespace(t);
    std::optional<double> count;
    if (tokens.size() >= 2) count = ParseNumber(tokens.back());
    if (!count) Unrecognized(t, line, "expected '<name> <count>'");
    std::string name = tokens[0];
    for (size_t i = 1; i + 1 < tokens.size(); ++i) name += " " + tokens[i];
    if (list_ == List::kCells) {
      std::map<std::string, Quantity> row;
      row["count"] = MakeQuantity(Dimension::kCount, *count, "", line);
      s_.rows.emplace_back(name, std::move(row));
      return;
    }
    if (s_.hierarchy && !stats_seen_) {
      if (s_.name.empty()) s_.name = name;
      return;
    }
    Unrecognized(t, line, "a '<name> <count>' row outside the cell list");
  }

  const std::string& file_;
  Section& s_;
  List list_ = List::kNone;
  bool stats_seen_ = false;
  std::vector<std::string> columns_;
  bool header_open_ = false;
  bool block_started_ = false;
  bool tree_block_ = false;
};

}  // namespace

ParsedReport ParseYosysStat(std::string_view text, const std::string& file,
                            const std::string& top) {
  const auto lines = SplitLines(text);

  // A whole Yosys log may print statistics several times (before and after
  // mapping); only the last block describes the netlist that was written.
  size_t begin = 0, end = lines.size();
  std::optional<size_t> stat_header;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (IsPassHeader(lines[i]) && EndsWith(Trim(lines[i]), "Printing statistics.")) stat_header = i;
  }
  if (stat_header) {
    begin = *stat_header + 1;
    for (size_t i = begin; i < lines.size(); ++i) {
      if (IsPassHeader(lines[i]) || StartsWith(lines[i], "End of script")) {
        end = i;
        break;
      }
    }
  }

  std::vector<Section> sections;
  std::optional<SectionParser> parser;
  for (size_t i = begin; i < end; ++i) {
    const int line = static_cast<int>(i) + 1;
    if (auto name = SectionName(lines[i])) {
      Section section;
      section.line = line;
      section.hierarchy = *name == "design hierarchy";
      if (!section.hierarchy) section.name = *name;
      sections.push_back(std::move(section));
      parser.emplace(file, sections.back());
      continue;
    }
    if (parser) parser->Read(lines[i], line);
  }
  if (sections.empty()) {
    int line = stat_header ? static_cast<int>(*stat_header) + 1 : FirstContentLine(lines);
    FailAt(file, line, "not Yosys 'stat' output: no '=== <module> ===' section");
  }
  for (auto& s : sections) {
    if (!s.values.count("area") && s.table_cells_area) s.values["area"] = *s.table_cells_area;
    if (s.hierarchy && s.name.empty())
      FailAt(file, s.line, "the design hierarchy section names no top module");
  }

  const Section* chosen = nullptr;
  if (!top.empty()) {
    const std::string wanted = StripBackslash(top);
    for (const auto& s : sections) {
      if (s.hierarchy && s.name == wanted) chosen = &s;
    }
    if (!chosen) {
      for (const auto& s : sections) {
        if (!s.hierarchy && s.name == wanted) chosen = &s;
      }
    }
    if (!chosen) {
      std::string names;
      for (const auto& s : sections) {
        if (s.hierarchy) continue;
        names += names.empty() ? "" : ", ";
        names += s.name;
      }
      throw Error(file + ": Yosys 'stat' output has no module " + Excerpt(wanted) +
                  " (modules: " + Excerpt(names) + ")");
    }
  } else {
    for (const auto& s : sections) {
      if (s.hierarchy) chosen = &s;
    }
    if (!chosen) chosen = &sections.back();
  }
  if (!chosen->values.count("cell_count")) {
    FailAt(file, chosen->line,
           "no cell count for module " + Excerpt(chosen->name) + " in Yosys 'stat' output");
  }

  ParsedReport report;
  report.tool = "yosys";
  report.kind = "stat";
  report.file = file;
  report.values = chosen->values;
  report.rows = chosen->rows;
  report.texts["module"] = chosen->name;
  report.texts["scope"] = chosen->hierarchy ? "design hierarchy" : "module";
  report.texts["format"] = chosen->table ? "table" : "classic";
  if (!chosen->unknown_area.empty()) {
    std::string joined;
    for (const auto& type : chosen->unknown_area) joined += (joined.empty() ? "" : ",") + type;
    report.texts["unknown_area_cell_types"] = joined;
  }
  return report;
}

}  // namespace labq::yosys_sta
