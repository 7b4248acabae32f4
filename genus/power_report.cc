#include "genus/power_report.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"
#include "genus/report_header.h"

namespace labq::genus {
namespace {

/// Power column name -> value name; nullopt for columns that are not power.
std::optional<std::string> PowerValueName(std::string_view column) {
  if (column == "Leakage") return "leakage";
  if (column == "Internal") return "internal";
  if (column == "Switching" || column == "Net") return "switching";
  if (column == "Dynamic") return "dynamic";
  if (column == "Total") return "total";
  return std::nullopt;
}

/// Fills "dynamic" and "total" when the table only has their parts.
void CompleteSums(std::map<std::string, Quantity>& values) {
  auto sum = [&](const char* a, const char* b, const char* result) {
    if (values.count(result) || !values.count(a) || !values.count(b)) return;
    const Quantity& qa = values[a];
    const Quantity& qb = values[b];
    Quantity q = qa;
    q.value = qa.value + qb.value;
    // Keep the report's unit when both parts share it.
    if (qa.original_unit == qb.original_unit) {
      q.original_value = qa.original_value + qb.original_value;
    } else {
      q.original_value = q.value;
      q.original_unit = q.unit;
    }
    values[result] = q;
  };
  sum("internal", "switching", "dynamic");
  sum("leakage", "dynamic", "total");
}

/// Legacy: two header lines,
///                      Leakage    Dynamic     Total
///    Instance   Cells Power(nW)  Power(nW)  Power(nW)
void ParseLegacy(const std::vector<std::string>& lines, std::size_t header, const std::string& file,
                 ParsedReport& out) {
  const int header_line = static_cast<int>(header) + 1;
  auto units_row = SplitWhitespace(lines[header]);
  std::vector<std::string> units;
  for (const auto& word : units_row) {
    auto open = word.find('(');
    auto close = word.find(')');
    if (StartsWith(word, "Power(") && close != std::string::npos) {
      units.push_back(word.substr(open + 1, close - open - 1));
    }
  }
  auto names_row = header > 0 ? SplitWhitespace(lines[header - 1]) : std::vector<std::string>{};
  const int names_line = header > 0 ? header_line - 1 : header_line;
  if (names_row.size() != units.size()) {
    FailAt(file, names_line,
           "expected " + std::to_string(units.size()) + " power column names above the " +
               "'Power(unit)' header, found " + std::to_string(names_row.size()));
  }
  std::vector<std::string> names;
  const bool has_net = std::find(names_row.begin(), names_row.end(), "Net") != names_row.end();
  for (const auto& column : names_row) {
    auto name = PowerValueName(column);
    if (!name) FailAt(file, names_line, "unknown power column '" + column + "'");
    // RTL Compiler prints Internal, Net and Switching = Internal + Net.
    if (has_net && column == "Switching") name = "dynamic";
    names.push_back(*name);
  }
  const bool has_cells = Contains(lines[header], "Cells");
  if (header + 1 >= lines.size() || !IsRule(lines[header + 1])) {
    FailAt(file, header_line + 1, "expected a rule of dashes under the power table header");
  }
  HierarchyNamer namer;
  for (std::size_t i = header + 2; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string_view t = Trim(lines[i]);
    if (t.empty() || IsRule(t)) break;
    auto words = SplitWhitespace(t);
    const std::size_t needed = names.size() + (has_cells ? 2 : 1);
    if (words.size() < needed) {
      FailAt(file, line_no,
             "power row has " + std::to_string(words.size()) + " columns, expected " +
                 std::to_string(needed));
    }
    std::map<std::string, Quantity> row;
    const std::size_t first = words.size() - names.size();
    for (std::size_t k = 0; k < names.size(); ++k) {
      auto value = ParseNumber(words[first + k], PercentSign::kStrip);
      if (!value) FailAt(file, line_no, "power value '" + words[first + k] + "' is not a number");
      row[names[k]] = QuantityAt(file, line_no, Dimension::kPower, *value, units[k]);
    }
    if (has_cells) {
      auto cells = ParseNumber(words[first - 1], PercentSign::kStrip);
      if (!cells) FailAt(file, line_no, "cell count '" + words[first - 1] + "' is not a number");
      row["cell_count"] = QuantityAt(file, line_no, Dimension::kCount, *cells, "count");
    }
    CompleteSums(row);
    if (out.rows.empty()) {
      out.values = row;
      out.texts["instance"] = words[0];
    }
    out.rows.emplace_back(namer.Name(Indent(lines[i]), words[0]), std::move(row));
  }
  if (out.rows.empty()) FailAt(file, header_line + 2, "power table has no rows");
}

/// Joules: "Power Unit: W" then a table whose columns are named in one header
/// line; rows have exactly one word per column.
void ParseJoules(const std::vector<std::string>& lines, std::size_t unit_line,
                 const std::string& file, ParsedReport& out) {
  auto unit_words = SplitWhitespace(lines[unit_line].substr(lines[unit_line].find(':') + 1));
  if (unit_words.empty()) FailAt(file, static_cast<int>(unit_line) + 1, "'Power Unit:' is empty");
  const std::string unit = unit_words[0];
  QuantityAt(file, static_cast<int>(unit_line) + 1, Dimension::kPower, 0, unit);  // validates

  std::size_t header = unit_line + 1;
  std::vector<std::string> columns;
  for (; header < lines.size(); ++header) {
    columns = SplitWhitespace(lines[header]);
    bool has_leakage = false, has_total = false;
    for (const auto& c : columns) {
      has_leakage |= c == "Leakage";
      has_total |= c == "Total";
    }
    if (has_leakage && has_total) break;
  }
  if (header == lines.size()) {
    FailAt(file, static_cast<int>(unit_line) + 1,
           "no power table with 'Leakage' and 'Total' columns after 'Power Unit:'");
  }
  const int header_line = static_cast<int>(header) + 1;
  const bool by_category = columns[0] == "Category";
  std::size_t i = header + 1;
  if (i < lines.size() && IsRule(lines[i])) ++i;
  bool have_result = false;
  for (; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string_view t = Trim(lines[i]);
    if (t.empty()) break;
    if (IsRule(t)) continue;  // the Category table rules off its Subtotal row
    auto words = SplitWhitespace(t);
    if (words[0] == "Percentage") continue;
    if (words.size() != columns.size()) {
      FailAt(file, line_no,
             "power row has " + std::to_string(words.size()) + " columns, the header at line " +
                 std::to_string(header_line) + " has " + std::to_string(columns.size()));
    }
    std::map<std::string, Quantity> row;
    std::string name;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const std::string& column = columns[k];
      if (column == "Category" || column == "Instance") {
        name = words[k];
        continue;
      }
      auto value = ParseNumber(words[k], PercentSign::kStrip);
      auto value_name = PowerValueName(column);
      if (value_name) {
        if (!value) FailAt(file, line_no, "power value '" + words[k] + "' is not a number");
        row[*value_name] = QuantityAt(file, line_no, Dimension::kPower, *value, unit);
      } else if (column == "Cells" && value) {
        row["cell_count"] = QuantityAt(file, line_no, Dimension::kCount, *value, "count");
      }
    }
    CompleteSums(row);
    if (by_category) {
      if (name == "Subtotal") {
        out.values = row;
        have_result = true;
        continue;
      }
    } else if (!have_result) {
      // By hierarchy: the first row is the top instance ("/top", level 0).
      out.values = row;
      out.texts["instance"] = StartsWith(name, "/") ? name.substr(1) : name;
      have_result = true;
    }
    out.rows.emplace_back(name, std::move(row));
  }
  if (!have_result) {
    FailAt(file, header_line,
           by_category ? "Category power table has no 'Subtotal' row" : "power table has no rows");
  }
}

}  // namespace

ParsedReport ParseGenusPower(std::string_view text, const std::string& file) {
  ParsedReport out;
  out.tool = "genus";
  out.kind = "power";
  out.file = file;
  auto lines = SplitLines(text);
  ParseGenusHeader(lines, out);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (StartsWith(t, "Instance:") && !out.texts.count("instance")) {
      std::string instance(Trim(t.substr(9)));
      out.texts["instance"] = StartsWith(instance, "/") ? instance.substr(1) : instance;
    }
    if (StartsWith(t, "Power Unit:")) {
      ParseJoules(lines, i, file, out);
      return out;
    }
    if (Contains(t, "Instance") && Contains(t, "Power(")) {
      ParseLegacy(lines, i, file, out);
      return out;
    }
  }
  FailAt(file, 1, "no power table (expected 'Power Unit:' or an 'Instance ... Power(nW)' header)");
}

}  // namespace labq::genus
