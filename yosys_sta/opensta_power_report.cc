#include "yosys_sta/opensta_power_report.h"

#include <array>
#include <optional>
#include <utility>

#include "common/error.h"
#include "common/text.h"
#include "common/units.h"
#include "yosys_sta/report_text.h"

namespace labq::yosys_sta {
namespace {

constexpr std::array<const char*, 4> kColumns = {"internal", "switching", "leakage", "total"};

bool IsHeader(std::string_view trimmed) {
  auto tokens = SplitWhitespace(trimmed);
  return tokens.size() == 5 && tokens[0] == "Group" && tokens[1] == "Internal" &&
         tokens[2] == "Switching" && tokens[3] == "Leakage" && tokens[4] == "Total";
}

bool IsRule(std::string_view trimmed) {
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

}  // namespace

ParsedReport ParseOpenStaPower(std::string_view text, const std::string& file) {
  const auto lines = SplitLines(text);
  ParsedReport report;
  report.tool = "opensta";
  report.kind = "power";
  report.file = file;

  std::optional<std::string> corner;
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    auto t = Trim(lines[i]);
    if (auto banner = CornerBanner(t)) corner = banner;
    if (IsHeader(t)) break;
  }
  if (i == lines.size()) {
    FailAt(file, FirstContentLine(lines),
           "not OpenSTA 'report_power' output: no 'Group Internal Switching Leakage Total' "
           "header");
  }
  const int header_line = static_cast<int>(i) + 1;
  if (corner) report.texts["corner"] = *corner;

  std::string unit = "W";
  for (++i; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    auto t = Trim(lines[i]);
    if (t.empty() || IsRule(t)) continue;
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
      auto value = ParseDouble(tokens[tokens.size() - 4 + c]);
      if (!value) {
        FailAt(file, line,
               std::string("the ") + kColumns[c] + " power is not a number in " + Excerpt(t));
      }
      row[kColumns[c]] = MakeQuantity(Dimension::kPower, *value, unit, line);
    }
    std::string group = tokens[0];
    for (size_t k = 1; k + 4 < tokens.size(); ++k) group += " " + tokens[k];
    if (group == "Total") {
      report.values = std::move(row);
      return report;
    }
    report.rows.emplace_back(group, std::move(row));
  }
  FailAt(file, header_line, "OpenSTA 'report_power' table has no Total row");
}

}  // namespace labq::yosys_sta
