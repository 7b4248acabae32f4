#include "yosys_sta/opensta_power_report.h"

#include <array>
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

constexpr std::array<const char*, 4> kColumns = {"internal", "switching", "leakage", "total"};

bool IsHeader(std::string_view trimmed) {
  auto tokens = SplitWhitespace(trimmed);
  return tokens.size() == 5 && tokens[0] == "Group" && tokens[1] == "Internal" &&
         tokens[2] == "Switching" && tokens[3] == "Leakage" && tokens[4] == "Total";
}

bool IsDashRule(std::string_view trimmed) {
  return !trimmed.empty() && trimmed.find_first_not_of('-') == std::string_view::npos;
}

/// "===== nom_tt_025C_1v80 Corner =====" (OpenLane 2) -> "nom_tt_025C_1v80".
std::optional<std::string> CornerBanner(std::string_view trimmed) {
  if (!StartsWith(trimmed, "=")) return std::nullopt;
  auto tokens = SplitWhitespace(trimmed);
  if (tokens.size() == 4 && tokens[2] == "Corner") return tokens[1];
  return std::nullopt;
}

/// The unit of the second header line: "Power Power Power Power (Watts)".
std::string HeaderUnit(std::string_view trimmed, const std::string& file, int line) {
  auto open = trimmed.find('(');
  if (open == std::string_view::npos) return "W";
  auto close = trimmed.find(')', open);
  if (close == std::string_view::npos) return "W";
  std::string unit(Trim(trimmed.substr(open + 1, close - open - 1)));
  if (unit == "Watts" || unit == "W") return "W";
  if (ToCanonicalFactor(Dimension::kPower, unit)) return unit;
  FailAt(file, line, "unknown power unit " + Excerpt(unit) + " in OpenSTA 'report_power' header");
}

/// One "Group Internal Switching Leakage Total" table: its groups, its Total
/// row and the corner banner above it, if any.
struct PowerTable {
  std::optional<std::string> corner;
  std::vector<std::pair<std::string, std::map<std::string, Quantity>>> rows;
  std::map<std::string, Quantity> total;
};

/// Reads the table whose header is lines[header]; returns the index of its
/// Total row.
size_t ReadTable(const std::vector<std::string>& lines, size_t header, const std::string& file,
                 PowerTable& table) {
  std::string unit = "W";
  for (size_t i = header + 1; i < lines.size(); ++i) {
    const int line = LineNumber(i);
    auto t = Trim(lines[i]);
    if (t.empty() || IsDashRule(t)) continue;
    auto tokens = SplitWhitespace(t);
    if (tokens.front() == "Power") {  // Second header line.
      unit = HeaderUnit(t, file, line);
      continue;
    }
    // "Sequential   1.22e-04   0.00e+00   8.04e-10   1.22e-04  75.1%"
    if (!tokens.empty() && tokens.back().back() == '%') tokens.pop_back();
    if (tokens.size() < 5) {
      FailAt(file, line, "unreadable row in OpenSTA 'report_power' table: " + Excerpt(t));
    }
    std::map<std::string, Quantity> row;
    for (size_t c = 0; c < kColumns.size(); ++c) {
      auto value = ParseNumber(tokens[tokens.size() - 4 + c]);
      if (!value) {
        FailAt(file, line,
               std::string("the ") + kColumns[c] + " power is not a number in " + Excerpt(t),
               kColumns[c]);
      }
      row[kColumns[c]] = MakeQuantity(Dimension::kPower, *value, unit, line);
    }
    std::string group = tokens[0];
    for (size_t k = 1; k + 4 < tokens.size(); ++k) group += " " + tokens[k];
    if (group == "Total") {
      table.total = std::move(row);
      return i;
    }
    table.rows.emplace_back(group, std::move(row));
  }
  FailAt(file, LineNumber(header), "OpenSTA 'report_power' table has no Total row");
}

}  // namespace

ParsedReport ParseOpenStaPower(std::string_view text, const std::string& file) {
  const auto lines = SplitLines(text);
  ParsedReport report;
  report.tool = "opensta";
  report.kind = "power";
  report.file = file;

  std::vector<PowerTable> tables;
  std::optional<std::string> corner;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto t = Trim(lines[i]);
    if (auto banner = CornerBanner(t)) corner = banner;
    if (!IsHeader(t)) continue;
    PowerTable table;
    table.corner = std::move(corner);
    corner.reset();
    i = ReadTable(lines, i, file, table);
    tables.push_back(std::move(table));
  }
  if (tables.empty()) {
    FailAt(file, FirstContentLine(lines),
           "not OpenSTA 'report_power' output: no 'Group Internal Switching Leakage Total' "
           "header");
  }
  // The worst corner (largest total power, the first on a tie) is the headline.
  size_t worst = 0;
  for (size_t k = 1; k < tables.size(); ++k) {
    if (tables[k].total.at("total").value > tables[worst].total.at("total").value) worst = k;
  }
  report.values = tables[worst].total;
  report.rows = tables[worst].rows;
  if (tables[worst].corner) report.texts["corner"] = *tables[worst].corner;
  if (tables.size() == 1) return report;
  report.values["corner_count"] =
      MakeQuantity(Dimension::kCount, static_cast<double>(tables.size()), "",
                   tables.front().total.at("total").line);
  for (size_t k = 0; k < tables.size(); ++k) {
    const std::string suffix = "_" + std::to_string(k + 1);
    report.texts["corner" + suffix] = tables[k].corner.value_or("");
    for (const auto& [name, quantity] : tables[k].total) report.values[name + suffix] = quantity;
  }
  return report;
}

}  // namespace labq::yosys_sta
