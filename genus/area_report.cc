#include "genus/area_report.h"

#include <vector>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"
#include "genus/report_header.h"

namespace labq::genus {
namespace {

/// Joins the two-word column names so every header column is one word.
std::string JoinColumnNames(std::string header) {
  static const std::pair<std::string_view, std::string_view> kJoins[] = {
      {"Cell Count", "Cell-Count"},
      {"Cell Area", "Cell-Area"},
      {"Net Area", "Net-Area"},
      {"Total Area", "Total-Area"},
  };
  for (const auto& [from, to] : kJoins) {
    for (auto pos = header.find(from); pos != std::string::npos; pos = header.find(from)) {
      header.replace(pos, from.size(), to);
    }
  }
  return header;
}

/// Value name of a numeric column: "Cells"/"Cell-Count" -> "cell_count",
/// "Clock-Gate" -> "clock_gate_area".
std::string ColumnValueName(const std::string& column) {
  if (column == "Cells" || column == "Cell-Count") return "cell_count";
  std::string name = SnakeCase(column);
  if (name.size() < 5 || name.compare(name.size() - 5, 5, "_area") != 0) name += "_area";
  return name;
}

}  // namespace

ParsedReport ParseGenusArea(std::string_view text, const std::string& file) {
  ParsedReport out;
  out.tool = "genus";
  out.kind = "area";
  out.file = file;
  auto lines = SplitLines(text);
  ParseGenusHeader(lines, out);

  std::size_t header = 0;
  while (header < lines.size()) {
    auto words = SplitWhitespace(lines[header]);
    if (!words.empty() && words[0] == "Instance") break;
    ++header;
  }
  if (header == lines.size()) {
    FailAt(file, 1, "no area table (expected a header line starting with 'Instance')");
  }
  const int header_line = static_cast<int>(header) + 1;
  auto columns = SplitWhitespace(JoinColumnNames(lines[header]));
  bool has_wireload = false;
  std::vector<std::string> numeric;  // value names, in column order
  bool has_total = false;
  for (std::size_t c = 1; c < columns.size(); ++c) {
    if (columns[c] == "Module") continue;
    if (columns[c] == "Wireload") {
      has_wireload = true;
      continue;
    }
    if (columns[c] == "Total-Area") has_total = true;
    numeric.push_back(ColumnValueName(columns[c]));
  }
  if (!has_total) FailAt(file, header_line, "no 'Total Area' column in area table");
  if (header + 1 >= lines.size() || !IsRule(lines[header + 1])) {
    FailAt(file, header_line + 1, "expected a rule of dashes under the area table header");
  }

  HierarchyNamer namer;
  for (std::size_t i = header + 2; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string_view t = Trim(lines[i]);
    // The table ends at a blank line, a rule or the "(D) = ..." footnotes.
    if (t.empty() || IsRule(t) || t.front() == '(') break;
    auto words = SplitWhitespace(t);
    auto numbers_end = words.size();
    std::string wireload;
    auto numbers_fit = [&](std::size_t end) {
      if (end < numeric.size() + 1) return false;
      for (std::size_t k = end - numeric.size(); k < end; ++k) {
        if (!ParseNumber(words[k], PercentSign::kStrip)) return false;
      }
      return true;
    };
    if (has_wireload) {
      // "Small (D)", "<none> (D)", "70000 (S)": a name and an optional tag.
      std::size_t tail =
          words.size() >= 2 && words.back().front() == '(' && words.back().back() == ')' ? 2 : 1;
      if (words.size() > tail && numbers_fit(words.size() - tail)) {
        numbers_end = words.size() - tail;
        for (std::size_t k = numbers_end; k < words.size(); ++k) {
          wireload += (wireload.empty() ? "" : " ") + words[k];
        }
      }
    }
    if (!numbers_fit(numbers_end)) {
      FailAt(file, line_no,
             "area row does not end in the " + std::to_string(numeric.size()) +
                 " numeric columns of the header at line " + std::to_string(header_line));
    }
    std::map<std::string, Quantity> row;
    for (std::size_t k = 0; k < numeric.size(); ++k) {
      double value = *ParseNumber(words[numbers_end - numeric.size() + k], PercentSign::kStrip);
      const std::string& name = numeric[k];
      row[name] = name == "cell_count"
                      ? QuantityAt(file, line_no, Dimension::kCount, value, "count")
                      : QuantityAt(file, line_no, Dimension::kArea, value, "um^2");
    }
    std::string path = namer.Name(Indent(lines[i]), words[0]);
    if (out.rows.empty()) {
      out.values = row;
      out.texts["instance"] = words[0];
      if (!wireload.empty()) out.texts["wireload"] = wireload;
    }
    out.rows.emplace_back(path, std::move(row));
  }
  if (out.rows.empty()) FailAt(file, header_line + 2, "area table has no rows");
  return out;
}

}  // namespace labq::genus
