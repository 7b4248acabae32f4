#pragma once
/// `report_gates` of Genus and RTL Compiler: a Gate/Instances/Area/Library
/// table (with a Leakage Power column in some flows), a total line, then
/// summaries by library and by type (sequential, inverter, buffer, logic...).

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::genus {

/// rows: one per gate, named by cell, with "instances", "area" (um^2) and
/// "leakage" (W) when the table has it. values: "total_instances",
/// "total_area", "total_leakage" from the gate table's total line; per type
/// "<type>_instances", "<type>_area", "<type>_leakage" (e.g.
/// "sequential_area", "clock_gating_integrated_cell_instances") and the type
/// table's own total as "type_total_instances"/"type_total_area".
ParsedReport ParseGenusGates(std::string_view text, const std::string& file);

}  // namespace labq::genus
