#include "genus/timing_report.h"

#include <cctype>
#include <optional>
#include <utility>
#include <vector>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"
#include "genus/report_header.h"

namespace labq::genus {
namespace {

/// One path of the report, before the first one is chosen as the result.
struct Path {
  std::map<std::string, Quantity> values;
  std::map<std::string, std::string> texts;
};

/// "Path 12:" at the start of a line opens a path in the current format.
bool IsPathStart(std::string_view line) {
  line = Trim(line);
  if (!StartsWith(line, "Path ")) return false;
  std::size_t i = 5;
  std::size_t digits = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i, ++digits;
  return digits > 0 && i < line.size() && line[i] == ':';
}

/// "(R) fifom/RAM/clk1" -> "fifom/RAM/clk1": the edge marker is not part of
/// the pin name.
std::string StripEdge(std::string_view value) {
  value = Trim(value);
  if (value.size() >= 3 && value[0] == '(' && value[2] == ')') value = Trim(value.substr(3));
  return std::string(value);
}

std::string AfterColon(std::string_view line) {
  auto colon = line.find(':');
  return colon == std::string_view::npos ? std::string()
                                         : std::string(Trim(line.substr(colon + 1)));
}

/// Value names of the "Label:<op> value" lines of the boxed summary.
std::optional<std::string> BoxValueName(std::string_view label) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"Path Delay", "path_delay"},
      {"Required Time", "required"},
      {"Launch Clock", "launch_clock_arrival"},
      {"Capture Clock", "capture_clock_arrival"},
      {"Input Delay", "input_delay"},
      {"Output Delay", "output_delay"},
      {"Data Path", "data_path"},
      {"Setup", "setup"},
      {"Hold", "hold"},
      {"Uncertainty", "uncertainty"},
      {"Slack", "slack"},
  };
  for (const auto& [name, value_name] : kNames) {
    if (label == name) return std::string(value_name);
  }
  return std::nullopt;
}

void SetStatusFromSlack(Path& path) {
  if (path.texts.count("status") || !path.values.count("slack")) return;
  path.texts["status"] = path.values["slack"].value < 0 ? "VIOLATED" : "MET";
}

/// "Path 1: MET (8623 ps) Setup Check with Pin ...": the status, the slack in
/// parentheses and the check; sets `unit` when the slack carries one.
std::optional<double> ParseBoxedHeader(std::string_view header, int line_no,
                                       const std::string& file, Path& path, std::string& unit) {
  std::string_view rest = Trim(header.substr(header.find(':') + 1));
  auto space = rest.find(' ');
  std::string status(rest.substr(0, space));
  rest = space == std::string_view::npos ? std::string_view() : Trim(rest.substr(space));
  if (status != "MET" && status != "VIOLATED" && status != "UNCONSTRAINED") {
    FailAt(file, line_no, "unknown path status '" + status + "'");
  }
  path.texts["status"] = status;
  std::optional<double> slack;
  if (!rest.empty() && rest.front() == '(') {
    auto close = rest.find(')');
    if (close == std::string_view::npos) FailAt(file, line_no, "unclosed '(' in path header");
    auto words = SplitWhitespace(rest.substr(1, close - 1));
    if (!words.empty()) {
      auto number = SplitNumberUnit(words[0]);
      if (!number) FailAt(file, line_no, "path slack '" + words[0] + "' is not a number");
      slack = number->first;
      if (!number->second.empty()) unit = number->second;
      if (words.size() > 1) unit = words[1];
    }
    rest = Trim(rest.substr(close + 1));
  }
  if (!rest.empty()) path.texts["check"] = std::string(rest);
  return slack;
}

/// A box line "Clock Edge:+    2000         1000" and friends: a label of
/// words, an operator right after the colon, then numbers.
void ParseBoxLine(std::string_view t, int line_no, const std::string& file, const std::string& unit,
                  Path& path) {
  auto colon = t.find(':');
  if (colon == std::string_view::npos || colon + 1 >= t.size()) return;
  char op = t[colon + 1];
  if (op != '+' && op != '-' && op != '=') return;
  std::string_view label = Trim(t.substr(0, colon));
  if (label.empty()) return;
  for (char c : label) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != ' ') return;
  }
  std::vector<double> numbers;
  for (const auto& word : SplitWhitespace(t.substr(colon + 2))) {
    if (auto n = ParseNumber(word)) numbers.push_back(*n);
  }
  if (numbers.empty()) return;
  if (label == "Clock Edge") {
    path.values["capture_edge"] = QuantityAt(file, line_no, Dimension::kTime, numbers[0], unit);
    if (numbers.size() > 1) {
      path.values["launch_edge"] = QuantityAt(file, line_no, Dimension::kTime, numbers[1], unit);
    }
  } else if (auto name = BoxValueName(label)) {
    path.values[*name] = QuantityAt(file, line_no, Dimension::kTime, numbers[0], unit);
  }
}

/// Genus: Slack = Required Time - (Launch Clock + Input Delay + Data Path);
/// the sum is the data arrival time at the endpoint.
void AddBoxedArrival(const std::string& file, const std::string& unit, Path& path) {
  if (!path.values.count("data_path")) return;
  const Quantity& data = path.values["data_path"];
  double arrival = data.original_value;
  for (const char* name : {"launch_clock_arrival", "input_delay"}) {
    if (path.values.count(name)) arrival += path.values[name].original_value;
  }
  path.values["arrival"] = QuantityAt(file, data.line, Dimension::kTime, arrival, unit);
}

/// Current format: "Path 1: MET (8623 ps) Setup Check with Pin ..." then the
/// Startpoint/Endpoint lines and the boxed "Label:<op> capture launch" summary.
Path ParseBoxedPath(const std::vector<std::string>& lines, std::size_t begin, std::size_t end,
                    const std::string& file) {
  Path path;
  const int header_line = static_cast<int>(begin) + 1;
  std::string unit = "ps";
  const std::optional<double> header_slack =
      ParseBoxedHeader(lines[begin], header_line, file, path, unit);
  std::string pending_clock;  // which clock a following "Clock:" line names
  for (std::size_t i = begin + 1; i < end; ++i) {
    std::string_view t = Trim(lines[i]);
    if (StartsWith(t, "Group:")) {
      path.texts["group"] = AfterColon(t);
    } else if (StartsWith(t, "View:")) {
      path.texts["view"] = AfterColon(t);
    } else if (StartsWith(t, "Startpoint:")) {
      path.texts["startpoint"] = StripEdge(AfterColon(t));
      pending_clock = "launch_clock";
    } else if (StartsWith(t, "Endpoint:")) {
      path.texts["endpoint"] = StripEdge(AfterColon(t));
      pending_clock = "capture_clock";
    } else if (StartsWith(t, "Clock:")) {
      if (!pending_clock.empty()) path.texts[pending_clock] = StripEdge(AfterColon(t));
      pending_clock.clear();
    } else {
      ParseBoxLine(t, static_cast<int>(i) + 1, file, unit, path);
    }
  }
  if (!path.values.count("slack") && header_slack) {
    path.values["slack"] = QuantityAt(file, header_line, Dimension::kTime, *header_slack, unit);
  }
  const std::string& status = path.texts["status"];
  if (status != "UNCONSTRAINED" && !path.values.count("slack")) {
    FailAt(file, header_line, "path " + status + " has no slack");
  }
  AddBoxedArrival(file, unit, path);
  return path;
}

/// Arrival (last number, before an optional R/F edge) of a legacy table row.
std::optional<double> LegacyArrival(std::string_view line) {
  auto words = SplitWhitespace(line);
  if (!words.empty() && (words.back() == "R" || words.back() == "F")) words.pop_back();
  if (words.size() < 2) return std::nullopt;
  return ParseNumber(words.back());
}

/// A row of the legacy table before the "- - -" divider. Besides the pins of
/// the data path it holds rows that are not data arrival: "ext delay" (the
/// input delay before the first pin, the output delay after the last) and
/// the endpoint's check ("setup", "hold", "recovery", "removal").
struct LegacyRow {
  enum Kind { kData, kExternalDelay, kCheck } kind = kData;
  std::string check;            ///< "setup", ... for kCheck
  std::optional<double> delay;  ///< the Delay column ("+1000")
};

LegacyRow ClassifyLegacyRow(std::string_view trimmed) {
  static constexpr std::string_view kChecks[] = {"setup", "hold", "recovery", "removal"};
  LegacyRow row;
  auto words = SplitWhitespace(trimmed);
  if (!words.empty() && (words.back() == "R" || words.back() == "F")) words.pop_back();
  if (words.size() >= 4 && words[1] == "ext" && words[2] == "delay") {
    row.kind = LegacyRow::kExternalDelay;
  } else if (words.size() >= 4) {
    for (std::string_view check : kChecks) {
      if (words[1] == check) row.kind = LegacyRow::kCheck, row.check = check;
    }
  }
  if (row.kind != LegacyRow::kData) row.delay = ParseNumber(words[words.size() - 2]);
  return row;
}

/// "Timing slack :    8616ps" (or "-85ps (TIMING VIOLATION)", "UNCONSTRAINED").
void ParseLegacySlack(std::string_view t, int line_no, const std::string& file, Path& path,
                      std::string& unit) {
  std::string value = AfterColon(t);
  auto words = SplitWhitespace(value);
  if (words.empty()) FailAt(file, line_no, "'Timing slack' has no value");
  if (words[0] == "UNCONSTRAINED") {
    path.texts["status"] = "UNCONSTRAINED";
    return;
  }
  auto number = SplitNumberUnit(words[0]);
  if (!number) FailAt(file, line_no, "timing slack '" + words[0] + "' is not a number");
  if (!number->second.empty()) {
    unit = number->second;
  } else if (words.size() > 1 && std::isalpha(static_cast<unsigned char>(words[1][0]))) {
    unit = words[1];
  }
  path.values["slack"] = QuantityAt(file, line_no, Dimension::kTime, number->first, unit);
  if (Contains(value, "VIOLATION")) path.texts["status"] = "VIOLATED";
}

/// The footer lines of a legacy path (cost group, start, end, slack); returns
/// the slack's unit, which is the table's too when the table has no units line.
std::string ParseLegacyFooter(const std::vector<std::string>& lines, std::size_t begin,
                              std::size_t end, const std::string& file, Path& path) {
  std::string unit = "ps";
  for (std::size_t i = begin; i < end; ++i) {
    std::string_view t = Trim(lines[i]);
    if (StartsWith(t, "Cost Group")) {
      std::string value = AfterColon(t);
      auto open = value.find('\'');
      auto close = open == std::string::npos ? open : value.find('\'', open + 1);
      path.texts["group"] =
          close == std::string::npos ? value : value.substr(open + 1, close - open - 1);
    } else if (StartsWith(t, "Start-point")) {
      path.texts["startpoint"] = AfterColon(t);
    } else if (StartsWith(t, "End-point")) {
      path.texts["endpoint"] = AfterColon(t);
    } else if (StartsWith(t, "Timing slack")) {
      ParseLegacySlack(t, static_cast<int>(i) + 1, file, path, unit);
    }
  }
  if (!path.texts.count("status") && !path.values.count("slack")) {
    FailAt(file, static_cast<int>(begin) + 1, "timing path has no 'Timing slack' line");
  }
  return unit;
}

/// Where the legacy table's rows start: after "Pin Type ... Arrival", an
/// optional units line "(fF) (ps) (ps) (ps)" (the Arrival unit, into `unit`)
/// and a rule. `end` when the path has no table.
std::size_t LegacyTableRows(const std::vector<std::string>& lines, std::size_t begin,
                            std::size_t end, std::string& unit) {
  for (std::size_t i = begin; i < end; ++i) {
    if (!Contains(lines[i], "Pin") || !Contains(lines[i], "Arrival")) continue;
    for (std::size_t j = i + 1; j < end && j <= i + 2; ++j) {
      if (!IsRule(lines[j])) continue;
      if (j == i + 2) {
        auto units = SplitWhitespace(lines[i + 1]);
        if (!units.empty() && units.back().size() > 2 && units.back().front() == '(') {
          unit = units.back().substr(1, units.back().size() - 2);
        }
      }
      return j + 1;
    }
  }
  return end;
}

/// Reads the legacy table's rows into `path`: the launch row, pin rows down
/// to the endpoint (marked "<<<" when it is a flop pin), then "- - -" and the
/// capture rows.
class LegacyTableReader {
 public:
  LegacyTableReader(const std::string& file, std::string unit, Path& path)
      : file_(file), unit_(std::move(unit)), path_(path) {}

  /// False at the rule that ends the table.
  bool Row(std::string_view line, int line_no) {
    if (IsRule(line)) {
      if (after_divider_ || !Contains(line, "- -")) return false;
      after_divider_ = true;
      return true;
    }
    std::string_view t = Trim(line);
    auto arrival = LegacyArrival(t);
    if (StartsWith(t, "(clock ")) {
      ClockRow(t, arrival, line_no);
    } else if (after_divider_) {
      CaptureRow(t, line_no);
    } else if (!OtherRow(t, line_no) && arrival && !endpoint_arrival_) {
      // The endpoint row marked "<<<" wins; without a mark (output ports,
      // some RTL Compiler versions) the last data row does.
      if (Contains(t, "<<<")) endpoint_arrival_ = {{*arrival, line_no}};
      last_arrival_ = {{*arrival, line_no}};
    }
    return true;
  }

  void Finish() {
    auto arrival = endpoint_arrival_ ? endpoint_arrival_ : last_arrival_;
    if (!arrival) return;
    path_.values["arrival"] = Time(arrival->first, arrival->second);
  }

 private:
  Quantity Time(double value, int line_no) const {
    return QuantityAt(file_, line_no, Dimension::kTime, value, unit_);
  }

  void ClockRow(std::string_view t, std::optional<double> arrival, int line_no) {
    auto close = t.find(')');
    std::string clock(Trim(t.substr(7, close == std::string_view::npos ? 0 : close - 7)));
    bool capture = Contains(t, " capture ");
    if (arrival) path_.values[capture ? "capture_edge" : "launch_edge"] = Time(*arrival, line_no);
    path_.texts[capture ? "capture_clock" : "launch_clock"] = clock;
  }

  /// "uncertainty   -300   9700 R" on the capture side.
  void CaptureRow(std::string_view t, int line_no) {
    auto words = SplitWhitespace(t);
    if (words.size() < 3 || words[0] != "uncertainty") return;
    if (auto delay = ParseNumber(words[1])) path_.values["uncertainty"] = Time(-*delay, line_no);
  }

  /// Input delay, output delay and the setup/hold time have keys of their
  /// own: "arrival" is the data arrival at the endpoint, as in the boxed
  /// format (which counts the input delay in it, so this does too).
  bool OtherRow(std::string_view t, int line_no) {
    LegacyRow row = ClassifyLegacyRow(t);
    if (row.kind == LegacyRow::kData) return false;
    std::string name = row.kind == LegacyRow::kCheck ? row.check
                       : last_arrival_               ? "output_delay"
                                                     : "input_delay";
    if (row.delay) path_.values[name] = Time(*row.delay, line_no);
    return true;
  }

  const std::string& file_;
  std::string unit_;
  Path& path_;
  bool after_divider_ = false;
  std::optional<std::pair<double, int>> endpoint_arrival_, last_arrival_;
};

/// Older format: Pin/Type/Fanout/.../Arrival table, then
///   Cost Group   : 'clk' (path_group 'clk')
///   Timing slack :    8616ps            (or "-85ps (TIMING VIOLATION)",
///   Start-point  : w_en                  or "UNCONSTRAINED")
///   End-point    : fifo_reg[0][7]/S0
Path ParseLegacyPath(const std::vector<std::string>& lines, std::size_t begin, std::size_t end,
                     const std::string& file) {
  Path path;
  // The footer first: without a units line in the table, the slack's unit
  // is the table's too.
  std::string unit = ParseLegacyFooter(lines, begin, end, file, path);
  const std::size_t rows = LegacyTableRows(lines, begin, end, unit);
  LegacyTableReader table(file, unit, path);
  for (std::size_t i = rows; i < end; ++i) {
    if (!table.Row(lines[i], static_cast<int>(i) + 1)) break;
  }
  table.Finish();
  SetStatusFromSlack(path);
  return path;
}

/// The path with the smallest slack, the first printed on a tie; the first
/// path when none has a slack (all unconstrained). Genus prints the worst path
/// first within one cost group, but not across groups or with -from/-to lists.
Path& WorstPath(std::vector<Path>& paths) {
  Path* worst = nullptr;
  for (auto& path : paths) {
    auto slack = path.values.find("slack");
    if (slack == path.values.end()) continue;
    if (!worst || slack->second.value < worst->values.at("slack").value) worst = &path;
  }
  return worst ? *worst : paths.front();
}

}  // namespace

ParsedReport ParseGenusTiming(std::string_view text, const std::string& file) {
  ParsedReport out;
  out.tool = "genus";
  out.kind = "timing";
  out.file = file;
  auto lines = SplitLines(text);
  ParseGenusHeader(lines, out);

  std::vector<Path> paths;
  int first_line = 0;  // where the first path is announced
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (IsPathStart(lines[i])) starts.push_back(i);
  }
  if (!starts.empty()) {
    first_line = static_cast<int>(starts[0]) + 1;
    for (std::size_t k = 0; k < starts.size(); ++k) {
      std::size_t end = k + 1 < starts.size() ? starts[k + 1] : lines.size();
      paths.push_back(ParseBoxedPath(lines, starts[k], end, file));
    }
  } else {
    std::vector<std::size_t> slack_lines;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (StartsWith(Trim(lines[i]), "Timing slack")) slack_lines.push_back(i);
    }
    // Block k runs from the table header that precedes its slack line.
    std::vector<std::size_t> block_begin;
    for (std::size_t k = 0; k < slack_lines.size(); ++k) {
      std::size_t low = k == 0 ? 0 : slack_lines[k - 1] + 1;
      std::size_t begin = low;
      for (std::size_t i = low; i < slack_lines[k]; ++i) {
        if (Contains(lines[i], "Pin") && Contains(lines[i], "Arrival")) begin = i;
      }
      block_begin.push_back(begin);
    }
    if (!slack_lines.empty()) first_line = static_cast<int>(slack_lines[0]) + 1;
    for (std::size_t k = 0; k < slack_lines.size(); ++k) {
      std::size_t end = k + 1 < slack_lines.size() ? block_begin[k + 1] : lines.size();
      paths.push_back(ParseLegacyPath(lines, block_begin[k], end, file));
    }
  }
  if (paths.empty()) {
    FailAt(file, 1, "no timing path found (expected 'Path 1:' or 'Timing slack :' lines)");
  }

  for (std::size_t k = 0; k < paths.size(); ++k) {
    auto& path = paths[k];
    std::map<std::string, Quantity> row;
    for (const char* name : {"slack", "arrival", "required"}) {
      if (path.values.count(name)) row[name] = path.values[name];
    }
    auto endpoint = path.texts.find("endpoint");
    out.rows.emplace_back(
        endpoint != path.texts.end() ? endpoint->second : "path " + std::to_string(k + 1), row);
  }
  Path& worst = WorstPath(paths);
  out.values.insert(worst.values.begin(), worst.values.end());
  for (auto& [name, value] : worst.texts) out.texts[name] = value;
  out.values["path_count"] =
      MakeQuantity(Dimension::kCount, static_cast<double>(paths.size()), "count", first_line);
  return out;
}

}  // namespace labq::genus
