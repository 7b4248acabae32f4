#pragma once
/// Parser for the text Yosys' `stat` command prints, so the flow can read cell
/// count and area from `tee -o stat.rpt stat -liberty <lib>` (or from a whole
/// Yosys log) whatever Yosys version produced it.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// Parses Yosys `stat` output into a ParsedReport with tool "yosys", kind
/// "stat". Understands the classic layout ("Number of cells:", Yosys 0.9 to
/// 0.4x) and the newer column table ("+----------Local Count, ..."), one or
/// many modules and the "=== design hierarchy ===" totals. When the text holds
/// several "Printing statistics." blocks (a whole log) only the last is read.
///
/// Which totals are returned: the module named `top` (the hierarchy totals
/// when the hierarchy section is rooted at `top`); without `top`, the design
/// hierarchy totals when printed, else the last module printed.
///
/// values: "cell_count" (count), "area" and "sequential_area" (um^2; only when
/// Yosys printed a chip area, i.e. ran with -liberty: never a made-up zero),
/// "wire_count", "wire_bits", "port_count", "port_bits", ... when printed.
/// rows: one per cell type, {"count"} plus {"area"} when the table gives it.
/// texts: "module", "scope" ("module" or "design hierarchy"), "format"
/// ("classic" or "table"), "unknown_area_cell_types" when Yosys said so.
/// Throws labq::InputError naming `file` and a line when the text is not
/// `stat` output or a line of it cannot be read.
ParsedReport ParseYosysStat(std::string_view text, const std::string& file,
                            const std::string& top = "");

}  // namespace labq::yosys_sta
