#pragma once
/// `report_area` (also `report_area -detail` and hierarchical output) of
/// Genus 15.x-25.x and RTL Compiler. The layouts seen so far:
///   15.x / RC:  Instance  Cells  Cell Area  Net Area  Total Area  [Wireload]
///   17.x-22.x:  Instance  Module  Cell Count  Cell Area  Net Area  Total Area  [Wireload]
///   23.x-25.x:  Instance  Module  Cell-Count  Cell-Area  Net-Area  Total-Area  [Wireload]
///   -detail:    ... Net Area  Combinational  Buffer ... Macro  Total Area
/// Columns are found by name, so the order and the detail columns may vary.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::genus {

/// The top instance (first data row) is the result: values "cell_count",
/// "cell_area", "net_area", "total_area" and, with -detail, e.g.
/// "combinational_area", "flop_area" (area in um^2, Genus library units);
/// texts "instance", "wireload" (when the table has one), header texts.
/// rows: every instance, named by hierarchical path ("top/u1/u2").
ParsedReport ParseGenusArea(std::string_view text, const std::string& file);

}  // namespace labq::genus
