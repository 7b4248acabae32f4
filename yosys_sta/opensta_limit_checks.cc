#include "yosys_sta/opensta_limit_checks.h"

#include <algorithm>
#include <map>
#include <optional>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"

namespace labq::yosys_sta {
namespace {

/// "max slew" -> "max_slew"; nullopt for other titles. OpenSTA 2.0.17 calls
/// the slew check "max_transition", later ones "max slew".
std::optional<std::string> Kind(std::string_view words) {
  if (words == "max slew" || words == "max_slew" || words == "max_transition") return "max_slew";
  if (words == "max capacitance" || words == "max_capacitance" || words == "max cap") {
    return "max_capacitance";
  }
  if (words == "max fanout" || words == "max_fanout") return "max_fanout";
  return std::nullopt;
}

Dimension DimensionOf(const std::string& kind) {
  if (kind == "max_slew") return Dimension::kTime;
  if (kind == "max_fanout") return Dimension::kCount;
  return Dimension::kNone;  // capacitance: the report's unit (pF unless report_units says)
}

/// "max fanout violation count 1", "max slew violations count Slowest: 0".
std::optional<std::pair<std::string, double>> CountLine(std::string_view trimmed) {
  auto words = SplitWhitespace(trimmed);
  if (words.size() < 5 || words[0] != "max") return std::nullopt;
  if (words[2] != "violation" && words[2] != "violations") return std::nullopt;
  if (words[3] != "count") return std::nullopt;
  auto kind = Kind(words[0] + " " + words[1]);
  auto count = ParseNumber(words.back());
  if (!kind || !count) return std::nullopt;
  return std::make_pair(*kind, *count);
}

/// "Warning: There are 5 unconstrained endpoints." / "There is 1 ... endpoint."
std::optional<double> UnconstrainedLine(std::string_view trimmed) {
  auto words = SplitWhitespace(trimmed);
  if (words.size() != 6 || words[0] != "Warning:" || words[1] != "There") return std::nullopt;
  if (words[4] != "unconstrained" || !StartsWith(words[5], "endpoint")) return std::nullopt;
  return ParseNumber(words[3]);
}

struct Limits {
  int violations = 0;
  std::optional<Quantity> worst_slack;
};

/// The table under a title at lines[title]: header "Pin Limit X Slack", a
/// rule, rows "pin limit value slack (STATUS)" up to a blank line. Returns
/// the index of its last line, or `title` when no table follows.
std::size_t ReadTable(const std::vector<std::string>& lines, std::size_t title,
                      const std::string& kind, std::string_view time_unit, const std::string& file,
                      Limits& out) {
  auto header = FindLine(lines, title + 1, [](std::string_view l) { return !Trim(l).empty(); });
  if (!header || !StartsWith(Trim(lines[*header]), "Pin") || !Contains(lines[*header], "Limit") ||
      !Contains(lines[*header], "Slack") || *header + 1 >= lines.size() ||
      !IsRule(lines[*header + 1])) {
    return title;
  }
  const std::string_view unit = kind == "max_slew" ? time_unit : "";
  std::size_t i = *header + 2;
  for (; i < lines.size() && !Trim(lines[i]).empty(); ++i) {
    auto words = SplitWhitespace(lines[i]);
    auto slack = words.size() >= 4 ? ParseNumber(words[3]) : std::nullopt;
    if (!slack) {
      FailAt(file, LineNumber(i), "expected 'pin limit value slack' in " + Excerpt(lines[i]),
             kind + "_worst_slack");
    }
    if (words.size() >= 5 && words[4] == "(VIOLATED)") ++out.violations;
    if (!out.worst_slack || *slack < out.worst_slack->original_value) {
      out.worst_slack = QuantityAt(file, LineNumber(i), DimensionOf(kind), *slack, unit);
    }
  }
  return i;
}

}  // namespace

void ReadLimitChecks(const std::vector<std::string>& lines, std::string_view time_unit,
                     const std::string& file, ParsedReport& report) {
  std::map<std::string, Limits> tables;
  std::map<std::string, Quantity> counts;
  std::map<std::string, int> line_of;  // title line of each kind's last table
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto t = Trim(lines[i]);
    if (auto kind = Kind(t)) {
      Limits limits;
      std::size_t last = ReadTable(lines, i, *kind, time_unit, file, limits);
      if (last == i) continue;
      Limits& total = tables[*kind];
      total.violations += limits.violations;
      if (limits.worst_slack &&
          (!total.worst_slack || limits.worst_slack->value < total.worst_slack->value)) {
        total.worst_slack = limits.worst_slack;
      }
      line_of[*kind] = LineNumber(i);
      i = last;
    } else if (auto count = CountLine(t)) {
      auto [it, fresh] = counts.try_emplace(count->first);
      if (fresh || count->second > it->second.value) {
        it->second = MakeQuantity(Dimension::kCount, count->second, "", LineNumber(i));
      }
    } else if (auto unconstrained = UnconstrainedLine(t)) {
      report.values["unconstrained_endpoints"] =
          MakeQuantity(Dimension::kCount, *unconstrained, "", LineNumber(i));
    }
  }
  for (const auto& [kind, limits] : tables) {
    if (limits.worst_slack) report.values[kind + "_worst_slack"] = *limits.worst_slack;
    report.values[kind + "_violations"] =
        MakeQuantity(Dimension::kCount, limits.violations, "", line_of[kind]);
  }
  for (const auto& [kind, count] : counts) report.values[kind + "_violations"] = count;
}

}  // namespace labq::yosys_sta
