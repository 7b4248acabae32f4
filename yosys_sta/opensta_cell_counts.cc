#include "yosys_sta/opensta_cell_counts.h"

#include <cmath>

#include "common/report_text.h"
#include "common/text.h"
#include "common/units.h"

namespace labq::yosys_sta {

ParsedReport ParseOpenStaCellCounts(std::string_view text, const std::string& file) {
  ParsedReport report;
  report.tool = "opensta";
  report.kind = "cells";
  report.file = file;
  const auto lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto words = SplitWhitespace(lines[i]);
    if (words.empty()) continue;
    const int line = LineNumber(i);
    if (words.size() != 2 || (words[0] != "registers" && words[0] != "cells")) {
      FailAt(file, line, "expected 'registers N' or 'cells N', got " + Excerpt(lines[i]));
    }
    const auto count = ParseNumber(words[1]);
    if (!count || *count < 0 || std::floor(*count) != *count) {
      FailAt(file, line, "not a count: " + Excerpt(words[1]), words[0]);
    }
    if (report.Has(words[0])) FailAt(file, line, "given twice", words[0]);
    report.values[words[0]] = QuantityAt(file, line, Dimension::kCount, *count, "");
  }
  for (const char* name : {"registers", "cells"}) {
    if (!report.Has(name)) FailAt(file, FirstContentLine(lines), "missing", name);
  }
  const Quantity& registers = report.values.at("registers");
  const Quantity& cells = report.values.at("cells");
  if (registers.value > cells.value) {
    FailAt(file, registers.line, "more registers than cells", "registers");
  }
  report.values["combinational"] =
      QuantityAt(file, cells.line, Dimension::kCount, cells.value - registers.value, "");
  return report;
}

}  // namespace labq::yosys_sta
