#include "genus/qor_report.h"

#include <optional>
#include <vector>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"
#include "genus/report_header.h"

namespace labq::genus {
namespace {

constexpr std::string_view kTimeUnit = "ps";  // Genus QoR times carry no unit

/// "Label words   value [rest]" lines of the count/area/statistics sections.
struct Statistic {
  std::string_view label;
  std::string_view name;
  Dimension dimension;
  std::string_view unit;
};

constexpr Statistic kStatistics[] = {
    {"leaf instance count", "leaf_instance_count", Dimension::kCount, "count"},
    {"physical instance count", "physical_instance_count", Dimension::kCount, "count"},
    {"sequential instance count", "sequential_instance_count", Dimension::kCount, "count"},
    {"combinational instance count", "combinational_instance_count", Dimension::kCount, "count"},
    {"hierarchical instance count", "hierarchical_instance_count", Dimension::kCount, "count"},
    {"cell area", "cell_area", Dimension::kArea, "um^2"},
    {"physical cell area", "physical_cell_area", Dimension::kArea, "um^2"},
    {"total cell area (cell+physical)", "total_cell_area", Dimension::kArea, "um^2"},
    {"net area", "net_area", Dimension::kArea, "um^2"},
    {"total area (cell+physical+net)", "total_area", Dimension::kArea, "um^2"},
    {"max fanout", "max_fanout", Dimension::kCount, "count"},
    {"min fanout", "min_fanout", Dimension::kCount, "count"},
    {"average fanout", "average_fanout", Dimension::kNone, ""},
    {"terms to net ratio", "terms_to_net_ratio", Dimension::kNone, ""},
    {"terms to instance ratio", "terms_to_instance_ratio", Dimension::kNone, ""},
    {"runtime", "runtime", Dimension::kTime, "s"},
    {"elapsed runtime", "elapsed_runtime", Dimension::kTime, "s"},
    {"genus peak memory usage", "peak_memory", Dimension::kNone, "MB"},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Columns [begin, end) of a header cell, e.g. "Path Slack".
struct Cell {
  std::size_t begin = 0, end = 0;
};

Cell CellOf(std::string_view header, std::string_view first, std::string_view last) {
  auto begin = header.find(first);
  auto end = begin == std::string_view::npos ? begin : header.find(last, begin);
  if (end == std::string_view::npos) return {};
  return {begin, end + last.size()};
}

/// True when `row` prints nothing under `cell` (numbers are right-aligned
/// under their header, so a printed slack always reaches into it).
bool IsBlankCell(std::string_view row, Cell cell) {
  if (cell.end == 0 || row.size() <= cell.begin) return cell.end != 0;
  return Trim(row.substr(cell.begin, cell.end - cell.begin)).empty();
}

/// The cost group table:
///        Cost          Critical             Violating
///       Group         Path Slack    TNS       Paths
///   (or "Analysis View  Cost Group  Critical Path Slack  TNS  Violating Paths")
/// rows "name slack tns paths" or "name No paths tns [paths]"; then "Total".
void ParseGroups(const std::vector<std::string>& lines, std::size_t header, const std::string& file,
                 ParsedReport& out) {
  const int header_line = static_cast<int>(header) + 1;
  if (header + 1 >= lines.size() || !IsRule(lines[header + 1])) {
    FailAt(file, header_line + 1, "expected a rule of dashes under the cost group header");
  }
  const bool has_view = Contains(lines[header], "View");
  const Cell slack_cell = CellOf(lines[header], "Path", "Slack");
  std::optional<Quantity> worst;
  std::string view;
  std::size_t i = header + 2;
  for (; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    if (IsRule(lines[i])) break;
    auto words = SplitWhitespace(lines[i]);
    if (words.empty()) continue;
    // "names... slack tns paths" or "names... No paths tns [paths]".
    std::vector<std::string> names;
    std::vector<double> numbers;
    std::size_t no = 0;
    while (no + 1 < words.size() && !(words[no] == "No" && words[no + 1] == "paths")) ++no;
    const bool no_paths = no + 1 < words.size();
    // A blank slack cell is no slack, as "No paths" is: never a 0.
    const bool blank_slack = !no_paths && IsBlankCell(lines[i], slack_cell);
    std::size_t names_end = no_paths ? no : (words.size() >= 3 ? words.size() - 3 : 0);
    if (blank_slack) {
      names_end = words.size();
      while (names_end > 0 && words.size() - names_end < 2 && ParseNumber(words[names_end - 1])) {
        --names_end;
      }
      if (names_end == words.size()) FailAt(file, line_no, "cost group row has no number");
    }
    names.assign(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(names_end));
    for (std::size_t k = no_paths ? no + 2 : names_end; k < words.size(); ++k) {
      auto n = ParseNumber(words[k]);
      if (!n) FailAt(file, line_no, "'" + words[k] + "' in cost group row is not a number");
      numbers.push_back(*n);
    }
    if (names.empty() || names.size() > (has_view ? 2u : 1u)) {
      FailAt(file, line_no,
             has_view ? "expected '[view] group slack TNS paths' in cost group row"
                      : "expected 'group slack TNS paths' in cost group row");
    }
    // A view name is printed once; the rows under it leave it blank.
    if (names.size() == 2) view = names[0];
    std::map<std::string, Quantity> row;
    std::size_t next = 0;
    if (!no_paths && !blank_slack) {
      if (numbers.size() < 2) FailAt(file, line_no, "cost group row has no slack and TNS");
      row["slack"] = QuantityAt(file, line_no, Dimension::kTime, numbers[next++], kTimeUnit);
      if (!worst || row["slack"].value < worst->value) worst = row["slack"];
    }
    if (next < numbers.size()) {
      row["tns"] = QuantityAt(file, line_no, Dimension::kTime, numbers[next++], kTimeUnit);
    }
    if (next < numbers.size()) {
      row["violating_paths"] =
          QuantityAt(file, line_no, Dimension::kCount, numbers[next++], "count");
    }
    out.rows.emplace_back("group:" + (view.empty() ? "" : view + "/") + names.back(),
                          std::move(row));
  }
  // "Total   -118221   557" after the closing rule.
  if (i + 1 < lines.size()) {
    auto words = SplitWhitespace(lines[i + 1]);
    const int line_no = static_cast<int>(i) + 2;
    if (!words.empty() && words[0] == "Total") {
      if (words.size() > 1) {
        auto tns = ParseNumber(words[1]);
        if (!tns) FailAt(file, line_no, "Total TNS '" + words[1] + "' is not a number");
        out.values["tns"] = QuantityAt(file, line_no, Dimension::kTime, *tns, kTimeUnit);
      }
      if (words.size() > 2) {
        if (auto paths = ParseNumber(words[2])) {
          out.values["violating_paths"] =
              QuantityAt(file, line_no, Dimension::kCount, *paths, "count");
        }
      }
    }
  }
  if (worst) {
    out.values["worst_slack"] = *worst;
    Quantity wns = *worst;
    if (wns.value > 0) wns.value = wns.original_value = 0;
    out.values["wns"] = wns;
  }
}

/// Clock table: "clk   5000.0" or "view clk 100000.0" rows up to a blank line.
void ParseClocks(const std::vector<std::string>& lines, std::size_t header, const std::string& file,
                 ParsedReport& out) {
  std::size_t i = header + 1;
  if (i < lines.size() && IsRule(lines[i])) ++i;
  int clocks = 0;
  Quantity period;
  for (; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    auto words = SplitWhitespace(lines[i]);
    if (words.empty() || IsRule(lines[i])) break;
    auto value = words.size() >= 2 ? ParseNumber(words.back()) : std::nullopt;
    if (!value) FailAt(file, line_no, "expected '<clock> <period>' in clock table");
    period = QuantityAt(file, line_no, Dimension::kTime, *value, kTimeUnit);
    out.rows.emplace_back("clock:" + words[words.size() - 2],
                          std::map<std::string, Quantity>{{"period", period}});
    ++clocks;
  }
  if (clocks == 1) out.values["clock_period"] = period;
}

}  // namespace

ParsedReport ParseGenusQor(std::string_view text, const std::string& file) {
  ParsedReport out;
  out.tool = "genus";
  out.kind = "qor";
  out.file = file;
  auto lines = SplitLines(text);
  ParseGenusHeader(lines, out);

  bool found_groups = false;
  bool found_clocks = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string_view t = Trim(lines[i]);
    auto words = SplitWhitespace(t);
    if (words.empty()) continue;
    if (!found_clocks && words.back() == "Period" &&
        (words[0] == "Clock" || words[0] == "Analysis")) {
      ParseClocks(lines, i, file, out);
      found_clocks = true;
      continue;
    }
    if (!found_groups && Contains(t, "Path Slack") && Contains(t, "TNS")) {
      ParseGroups(lines, i, file, out);
      found_groups = true;
      continue;
    }
    if (StartsWith(t, "Hostname")) {
      if (words.size() > 1) out.texts["hostname"] = words[1];
      continue;
    }
    // "Label words  value [(net)| seconds]": the label is the words before the
    // first number.
    std::size_t k = 0;
    while (k < words.size() && !ParseNumber(words[k])) ++k;
    if (k == 0 || k == words.size()) continue;
    std::string label;
    for (std::size_t w = 0; w < k; ++w) label += (w ? " " : "") + Lower(words[w]);
    for (const auto& stat : kStatistics) {
      if (label != stat.label) continue;
      out.values[std::string(stat.name)] =
          QuantityAt(file, line_no, stat.dimension, *ParseNumber(words[k]), stat.unit);
      if ((stat.name == "max_fanout" || stat.name == "min_fanout") && k + 1 < words.size()) {
        std::string net = words[k + 1];
        if (net.size() > 2 && net.front() == '(' && net.back() == ')') {
          net = net.substr(1, net.size() - 2);
        }
        out.texts[std::string(stat.name) + "_net"] = net;
      }
    }
  }
  if (!found_groups && !out.values.count("total_area")) {
    FailAt(file, 1, "no QoR content (expected a cost group table or an Area section)");
  }
  return out;
}

}  // namespace labq::genus
