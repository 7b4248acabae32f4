#pragma once
/// Line-level helpers shared by the Yosys and OpenSTA parsers. Both tools print
/// fixed-width tables whose numbers come first and whose description comes
/// last, and every parse failure must point at a file and a line.

#include <string>
#include <string_view>
#include <vector>

namespace labq::yosys_sta {

/// Throws labq::InputError "file:line: message". Every "this is not the report
/// we expected" goes through here so no parser returns a silent zero.
[[noreturn]] void FailAt(const std::string& file, int line, const std::string& message);

/// The line, trimmed and cut to a readable length, in quotes: error messages
/// must stay printable even when a report has a megabyte-long line.
std::string Excerpt(std::string_view line);

/// 1-based number of the first line with non-blank text; 1 when there is none,
/// so an empty report is still blamed on a line.
int FirstContentLine(const std::vector<std::string>& lines);

/// A table row split into its leading numeric columns and its description,
/// e.g. "  0.10    2.37 v uut1/_177_/X (or3b_1)" -> {0.10, 2.37}, "uut1/...".
/// The rise/fall marks ("^", "v") between the numbers and the text are
/// dropped. Columns printed as blanks are simply absent.
struct TableRow {
  std::vector<double> numbers;
  std::string description;
};
TableRow SplitTableRow(std::string_view line);

}  // namespace labq::yosys_sta
