#pragma once
/// Parser for OpenSTA `report_power` output, so the flow can read total power
/// and its internal/switching/leakage split.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// Parses the "Group Internal Switching Leakage Total" table of `report_power`
/// into a ParsedReport with tool "opensta", kind "power". The table may stand
/// alone or inside a longer report (OpenLane corner banners, ORFS
/// 6_finish.rpt); the header may end in "(Watts)" or, as the 2019 OpenSTA
/// prints it, carry no unit (then Watts). With several tables (one per corner)
/// the first is read.
///
/// values: "internal", "switching", "leakage", "total" (W) from the Total row.
/// rows: one per group ("Sequential", "Combinational", "Clock", "Macro",
/// "Pad", ...) with the same four quantities. texts: "corner" when a corner
/// banner precedes the table. Throws labq::InputError naming `file` and a line
/// when there is no such table, a row cannot be read or the Total row is
/// missing.
ParsedReport ParseOpenStaPower(std::string_view text, const std::string& file);

}  // namespace labq::yosys_sta
