#pragma once
/// Line-level helpers shared by the Genus report parsers: every Genus table is
/// a header, a rule of dashes and whitespace-separated rows, so the parsers
/// share how they recognise rules, read numbers and name hierarchical rows.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/parsed_report.h"
#include "common/units.h"

namespace labq::genus {

/// Throws labq::InputError "file:line: message" (line is 1-based).
[[noreturn]] void FailAt(const std::string& file, int line, const std::string& message);

/// MakeQuantity that names the report and line when the unit is unknown, so a
/// report in an unexpected unit fails loudly instead of being misread.
Quantity QuantityAt(const std::string& file, int line, Dimension dimension, double value,
                    std::string_view unit);

/// True for separator lines: only '-', '=', '#' and blanks, with at least three
/// '-' or '='. Covers "-----", "#-----", "  -----" and the "- - - -" divider.
bool IsRule(std::string_view line);

/// A number as Genus prints it: "-376", "+672", "1.5e-07", "64.49%". Words,
/// "-", "NA" and "no_value" are not numbers (nullopt).
std::optional<double> ParseNumber(std::string_view token);

/// Count of leading blanks; Genus indents child instances by two per level.
std::size_t Indent(std::string_view line);

/// "Total Cell Area" -> "total_cell_area": how free-text labels become value
/// names.
std::string SnakeCase(std::string_view label);

/// Names rows of an indented instance tree by their full path ("top/u1/u2"),
/// because leaf instance names repeat across a hierarchy.
class HierarchyNamer {
 public:
  std::string Name(std::size_t indent, const std::string& instance);

 private:
  std::vector<std::pair<std::size_t, std::string>> stack_;
};

}  // namespace labq::genus
