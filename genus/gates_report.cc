#include "genus/gates_report.h"

#include <optional>
#include <vector>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"
#include "genus/report_header.h"

namespace labq::genus {
namespace {

/// The gate and type tables share a layout: a name, instances, area, and,
/// in some flows, leakage power whose unit is in the header ("Power (nW)").
struct Layout {
  std::size_t area = 2;                ///< word index of the area column
  std::optional<std::size_t> leakage;  ///< word index of leakage, if any
  std::string leakage_unit;
};

/// Column positions from the header line "Gate Instances Area [Power (nW)]"
/// or "Type Instances Area Area % [Power (nW) Power %]".
Layout ReadLayout(const std::string& header, const std::string& file, int line_no) {
  Layout layout;
  auto words = SplitWhitespace(header);
  // Rows have one word per header word except that "Area %" and "Power %" are
  // one number each and "Power (nW)" is one number.
  std::size_t column = 0;
  bool seen_area = false;
  for (std::size_t k = 0; k < words.size(); ++k) {
    const std::string& w = words[k];
    if (w == "%" || (!w.empty() && w.front() == '(' && k > 0 && words[k - 1] == "Power")) {
      if (w != "%") {
        layout.leakage = column - 1;
        layout.leakage_unit = w.substr(1, w.size() - 2);
      }
      continue;
    }
    if (w == "Area" && !seen_area) {
      layout.area = column;
      seen_area = true;
    }
    ++column;
  }
  if (layout.leakage && layout.leakage_unit.empty()) {
    FailAt(file, line_no, "leakage power column has no unit");
  }
  return layout;
}

std::optional<double> Word(const std::vector<std::string>& words, std::size_t k) {
  return k < words.size() ? ParseNumber(words[k], PercentSign::kStrip) : std::nullopt;
}

/// name, instances, area [, leakage] of one row; fails naming the line.
std::map<std::string, Quantity> ReadRow(const std::vector<std::string>& words, const Layout& layout,
                                        const std::string& file, int line_no) {
  auto instances = Word(words, 1);
  auto area = Word(words, layout.area);
  if (!instances || !area) {
    FailAt(file, line_no, "expected '<name> <instances> <area>' in gates table");
  }
  std::map<std::string, Quantity> row;
  row["instances"] = QuantityAt(file, line_no, Dimension::kCount, *instances, "count");
  row["area"] = QuantityAt(file, line_no, Dimension::kArea, *area, "um^2");
  if (layout.leakage) {
    if (auto leakage = Word(words, *layout.leakage)) {
      row["leakage"] = QuantityAt(file, line_no, Dimension::kPower, *leakage, layout.leakage_unit);
    }
  }
  return row;
}

/// Index of the first line after `from` whose first word is `first` and that
/// has an "Instances" column; lines.size() if none.
std::size_t FindHeader(const std::vector<std::string>& lines, std::size_t from,
                       std::string_view first) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    auto words = SplitWhitespace(lines[i]);
    if (words.size() > 2 && words[0] == first && words[1] == "Instances") return i;
  }
  return lines.size();
}

/// Reads rows under `header` to the closing rule and the "total" line after
/// it. Calls on_row for each row and returns the total row (empty if none).
template <typename OnRow>
std::map<std::string, Quantity> ReadTable(const std::vector<std::string>& lines, std::size_t header,
                                          const std::string& file, OnRow on_row) {
  const int header_line = static_cast<int>(header) + 1;
  Layout layout = ReadLayout(lines[header], file, header_line);
  if (header + 1 >= lines.size() || !IsRule(lines[header + 1])) {
    FailAt(file, header_line + 1, "expected a rule of dashes under the gates table header");
  }
  for (std::size_t i = header + 2; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string_view t = Trim(lines[i]);
    if (t.empty()) break;
    if (IsRule(t)) {
      // The total line follows the closing rule.
      if (i + 1 < lines.size()) {
        auto words = SplitWhitespace(lines[i + 1]);
        if (!words.empty() && words[0] == "total") {
          return ReadRow(words, layout, file, line_no + 1);
        }
      }
      break;
    }
    auto words = SplitWhitespace(t);
    on_row(words[0], ReadRow(words, layout, file, line_no));
  }
  return {};
}

void AddValues(ParsedReport& out, const std::string& prefix,
               const std::map<std::string, Quantity>& row) {
  for (const auto& [name, value] : row) out.values[prefix + "_" + name] = value;
}

}  // namespace

ParsedReport ParseGenusGates(std::string_view text, const std::string& file) {
  ParsedReport out;
  out.tool = "genus";
  out.kind = "gates";
  out.file = file;
  auto lines = SplitLines(text);
  ParseGenusHeader(lines, out);

  std::size_t gate_header = FindHeader(lines, 0, "Gate");
  if (gate_header == lines.size()) {
    FailAt(file, 1, "no gates table (expected a header line 'Gate Instances Area ...')");
  }
  auto total = ReadTable(lines, gate_header, file, [&](const std::string& gate, auto row) {
    out.rows.emplace_back(gate, std::move(row));
  });
  if (total.empty()) {
    FailAt(file, static_cast<int>(gate_header) + 1, "gates table has no 'total' line");
  }
  // "total_instances", "total_area", "total_leakage".
  AddValues(out, "total", total);

  std::size_t type_header = FindHeader(lines, gate_header + 1, "Type");
  if (type_header < lines.size()) {
    auto type_total = ReadTable(lines, type_header, file, [&](const std::string& type, auto row) {
      AddValues(out, type, row);
    });
    if (!type_total.empty()) AddValues(out, "type_total", type_total);
  }
  return out;
}

}  // namespace labq::genus
