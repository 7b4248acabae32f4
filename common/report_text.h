#pragma once
/// The one toolkit every report parser (Genus, Yosys, OpenSTA) reads text
/// with: numbered lines, finding a line, strict numbers, units, table rules
/// and rows, and the error that names the file, the line and the key. Before
/// it the Genus and the open-flow parsers each had their own copy, and the two
/// disagreed on "inf"/"nan"; one copy keeps one policy.
///
/// Number policy: a report number is a plain finite decimal ("-376", "+672",
/// "1.5e-07", ".5"). "inf", "nan", "infinity" and overflowing exponents are
/// not numbers anywhere: no report format we read prints a non-finite value
/// where a metric is expected, "inf"/"nan" are legal instance and pin names,
/// and a non-finite metric would poison every min, sum and table downstream.
/// A parser that ever needs one must spell the token out itself.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/parsed_report.h"
#include "common/units.h"

namespace labq {

/// 1-based line number of `lines[index]`: every error and Quantity::line
/// counts from 1.
inline int LineNumber(std::size_t index) { return static_cast<int>(index) + 1; }

/// Index of the first line at or after `from` for which `match` is true.
std::optional<std::size_t> FindLine(const std::vector<std::string>& lines, std::size_t from,
                                    const std::function<bool(std::string_view)>& match);

/// 1-based number of the first line with non-blank text; 1 when there is none,
/// so an empty report is still blamed on a line.
int FirstContentLine(const std::vector<std::string>& lines);

/// Throws labq::InputError "file:line: message", or "file:line: key: message"
/// when `key` names the value that could not be read. Every "this is not the
/// report we expected" goes through here so no parser returns a silent zero.
[[noreturn]] void FailAt(const std::string& file, int line, const std::string& message,
                         const std::string& key = "");

/// The line, trimmed and cut to a readable length, in quotes: error messages
/// must stay printable even when a report has a megabyte-long line.
std::string Excerpt(std::string_view line);

/// Whether a trailing '%' ("64.49%") is part of a number: Genus prints
/// percentages in the same columns as values, OpenSTA prints them after the
/// values it parses and they must not be mistaken for one.
enum class PercentSign { kReject, kStrip };

/// A report number under the policy above; nullopt for words, "-", "NA",
/// "no_value", "6762ps", non-finite values and, unless kStrip, "64%".
std::optional<double> ParseNumber(std::string_view token,
                                  PercentSign percent = PercentSign::kReject);

/// "6762ps" -> (6762, "ps"); "-85" -> (-85, ""); nullopt when the token does
/// not start with a number.
std::optional<std::pair<double, std::string>> SplitNumberUnit(std::string_view token);

/// MakeQuantity that names the report and line when the unit is unknown, so a
/// report in an unexpected unit fails loudly instead of being misread.
Quantity QuantityAt(const std::string& file, int line, Dimension dimension, double value,
                    std::string_view unit);

/// True for separator lines: only '-', '=', '#' and blanks, with at least three
/// '-' or '='. Covers "-----", "#-----", "  -----" and the "- - - -" divider.
bool IsRule(std::string_view line);

/// Count of leading blanks; hierarchical tables indent children by it.
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

/// A table row split into its leading numeric columns and its description,
/// e.g. "  0.10    2.37 v uut1/_177_/X (or3b_1)" -> {0.10, 2.37}, "uut1/...".
/// The rise/fall marks ("^", "v") between the numbers and the text are
/// dropped. Columns printed as blanks are simply absent.
struct TableRow {
  std::vector<double> numbers;
  std::string description;
};
TableRow SplitTableRow(std::string_view line);

}  // namespace labq
