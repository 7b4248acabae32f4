#include "yosys_sta/opensta_checks_report.h"

#include <optional>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"
#include "yosys_sta/opensta_limit_checks.h"

namespace labq::yosys_sta {
namespace {

struct ClockEdge {
  std::string clock;
  bool rise = false;
  double time = 0;
};

/// One "Startpoint: ... slack (...)" block.
struct Path {
  int line = 0;  ///< Line of "Startpoint:".
  std::string startpoint, startpoint_info, endpoint, endpoint_info, group, type, corner;
  std::optional<std::pair<double, int>> arrival, required, slack;  ///< value, line
  std::string status;
  std::optional<ClockEdge> launch, capture;
  bool closed = false;
};

/// "b[0] (input port clocked by clk)" -> {"b[0]", "input port clocked by clk"}.
std::pair<std::string, std::string> SplitPoint(std::string_view text) {
  text = Trim(text);
  auto open = text.find(" (");
  if (open != std::string_view::npos && text.back() == ')') {
    return {std::string(Trim(text.substr(0, open))),
            std::string(text.substr(open + 2, text.size() - open - 3))};
  }
  return {std::string(text), ""};
}

/// "clock clk (rise edge)" -> edge; nullopt for other descriptions
/// ("clock network delay (ideal)", "clock uncertainty", ...).
std::optional<ClockEdge> ParseClockEdge(const TableRow& row) {
  const std::string& d = row.description;
  if (!StartsWith(d, "clock ") || row.numbers.empty()) return std::nullopt;
  bool rise = false;
  std::string_view suffix;
  if (d.size() > 18 && d.substr(d.size() - 12) == " (rise edge)") {
    rise = true;
    suffix = " (rise edge)";
  } else if (d.size() > 18 && d.substr(d.size() - 12) == " (fall edge)") {
    suffix = " (fall edge)";
  } else {
    return std::nullopt;
  }
  ClockEdge edge;
  edge.clock = d.substr(6, d.size() - 6 - suffix.size());
  edge.rise = rise;
  edge.time = row.numbers.back();
  return edge;
}

/// "  -2.51   slack (VIOLATED)", also when the number is unreadable.
bool IsSlackLine(std::string_view trimmed) {
  auto pos = trimmed.rfind("slack (");
  return pos != std::string_view::npos && trimmed.back() == ')' &&
         (pos == 0 || trimmed[pos - 1] == ' ' || trimmed[pos - 1] == '\t') &&
         trimmed.find(' ', pos + 7) == std::string_view::npos;
}

/// `report_units` prints " time 1ns"; anything else means ns.
std::optional<std::string> TimeUnitLine(std::string_view trimmed) {
  auto tokens = SplitWhitespace(trimmed);
  if (tokens.size() != 2 || tokens[0] != "time" || tokens[1].size() < 2 || tokens[1][0] != '1')
    return std::nullopt;
  std::string unit = tokens[1].substr(1);
  if (!ToCanonicalFactor(Dimension::kTime, unit)) return std::nullopt;
  return unit;
}

class ChecksParser {
 public:
  explicit ChecksParser(const std::string& file) : file_(file) {}

  void Read(std::string_view raw, int line) {
    auto t = Trim(raw);
    if (t.empty()) return;
    if (StartsWith(t, "Startpoint:")) {
      Close(line);
      Path path;
      path.line = line;
      std::tie(path.startpoint, path.startpoint_info) = SplitPoint(t.substr(11));
      paths_.push_back(std::move(path));
      return;
    }
    if (t == "No paths found.") {
      Close(line);
      ++no_paths_;
      return;
    }
    if (auto unit = TimeUnitLine(t)) {
      time_unit_ = *unit;
      return;
    }
    if (paths_.empty() || paths_.back().closed) return;  // Text between paths.
    Path& path = paths_.back();
    if (StartsWith(t, "Endpoint:")) {
      std::tie(path.endpoint, path.endpoint_info) = SplitPoint(t.substr(9));
      return;
    }
    if (StartsWith(t, "Path Group:")) {
      path.group = Trim(t.substr(11));
      return;
    }
    if (StartsWith(t, "Path Type:")) {
      path.type = Trim(t.substr(10));
      return;
    }
    if (StartsWith(t, "Corner:")) {
      path.corner = Trim(t.substr(7));
      return;
    }
    if (t == "(Path is unconstrained)") {
      path.status = "UNCONSTRAINED";
      Finish(path, line);
      return;
    }
    TableRow row = SplitTableRow(t);
    const std::string& d = row.description;
    const bool timed = !row.numbers.empty();
    if (d == "data arrival time") {
      // The slack summary repeats it negated; the first one is the arrival.
      if (!timed) Bad(t, line, "no time on the arrival line");
      if (!path.arrival) path.arrival = {{row.numbers.back(), line}};
    } else if (d == "data required time") {
      if (!timed) Bad(t, line, "no time on the required line");
      if (!path.required) path.required = {{row.numbers.back(), line}};
    } else if (IsSlackLine(t)) {
      if (!timed || !StartsWith(d, "slack (")) Bad(t, line, "no number on the slack line");
      path.slack = {{row.numbers.back(), line}};
      path.status = d.substr(7, d.size() - 8);
      Finish(path, line);
    } else if (auto edge = ParseClockEdge(row)) {
      if (!path.arrival && !path.launch) path.launch = edge;
      if (path.arrival && !path.capture) path.capture = edge;
    }
  }

  /// Called at the end of the text.
  void End(int line) { Close(line); }

  /// The time unit of the last `report_units` line, "ns" without one.
  const std::string& time_unit() const { return time_unit_; }

  ParsedReport Result(const std::vector<std::string>& lines) const {
    ParsedReport report;
    report.tool = "opensta";
    report.kind = "checks";
    report.file = file_;
    if (paths_.empty()) {
      if (no_paths_ == 0) {
        FailAt(file_, FirstContentLine(lines),
               "not OpenSTA 'report_checks' output: no 'Startpoint:' and no 'No paths found.'");
      }
      report.texts["status"] = "NO_PATHS";
      report.values["path_count"] = MakeQuantity(Dimension::kCount, 0, "", 0);
      return report;
    }

    const Path* worst = nullptr;
    bool any_max = false;
    for (const auto& p : paths_) any_max = any_max || (p.slack && p.type == "max");
    for (const auto& p : paths_) {
      if (!p.slack || (any_max && p.type != "max")) continue;
      if (!worst || p.slack->first < worst->slack->first) worst = &p;
    }
    if (!worst) worst = &paths_.front();  // Only unconstrained paths.

    auto time = [this](const std::pair<double, int>& v) {
      return MakeQuantity(Dimension::kTime, v.first, time_unit_, v.second);
    };
    report.values["path_count"] = MakeQuantity(
        Dimension::kCount, static_cast<double>(paths_.size()), "", paths_.front().line);
    if (worst->slack) report.values["slack"] = time(*worst->slack);
    if (worst->arrival) report.values["arrival"] = time(*worst->arrival);
    if (worst->required) report.values["required"] = time(*worst->required);
    if (worst->type == "max" && worst->launch && worst->capture && worst->launch->rise &&
        worst->capture->rise && worst->launch->clock == worst->capture->clock &&
        worst->capture->time > worst->launch->time) {
      report.values["clock_period"] =
          MakeQuantity(Dimension::kTime, worst->capture->time - worst->launch->time, time_unit_,
                       worst->arrival ? worst->arrival->second : worst->line);
    }
    report.texts["startpoint"] = worst->startpoint;
    report.texts["endpoint"] = worst->endpoint;
    report.texts["path_group"] = worst->group;
    report.texts["path_type"] = worst->type;
    report.texts["status"] = worst->status;
    if (!worst->corner.empty()) report.texts["corner"] = worst->corner;
    if (worst->capture) report.texts["clock"] = worst->capture->clock;

    for (const auto& p : paths_) {
      std::map<std::string, Quantity> row;
      if (p.slack) row["slack"] = time(*p.slack);
      if (p.arrival) row["arrival"] = time(*p.arrival);
      if (p.required) row["required"] = time(*p.required);
      report.rows.emplace_back(p.endpoint, std::move(row));
    }
    return report;
  }

 private:
  [[noreturn]] void Bad(std::string_view t, int line, const std::string& why) const {
    FailAt(file_, line,
           "unreadable line in OpenSTA 'report_checks' output (" + why + "): " + Excerpt(t));
  }

  /// A path must end with its slack (or "(Path is unconstrained)") before the
  /// next path or the end of the text; otherwise the report is cut short.
  void Close(int line) {
    if (paths_.empty() || paths_.back().closed) return;
    const Path& p = paths_.back();
    FailAt(file_, p.line,
           "path from " + Excerpt(p.startpoint) + " has no slack line before line " +
               std::to_string(line) + " (report cut short?)");
  }

  void Finish(Path& path, int line) {
    if (path.endpoint.empty()) FailAt(file_, path.line, "path has no 'Endpoint:' line");
    if (!path.arrival) {
      FailAt(file_, line,
             "path from " + Excerpt(path.startpoint) + " ends without a 'data arrival time' line");
    }
    path.closed = true;
  }

  const std::string& file_;
  std::vector<Path> paths_;
  int no_paths_ = 0;
  std::string time_unit_ = "ns";
};

}  // namespace

ParsedReport ParseOpenStaChecks(std::string_view text, const std::string& file) {
  const auto lines = SplitLines(text);
  ChecksParser parser(file);
  for (size_t i = 0; i < lines.size(); ++i) parser.Read(lines[i], static_cast<int>(i) + 1);
  parser.End(static_cast<int>(lines.size()) + 1);
  ParsedReport report = parser.Result(lines);
  ReadLimitChecks(lines, parser.time_unit(), file, report);
  return report;
}

}  // namespace labq::yosys_sta
