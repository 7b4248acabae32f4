#pragma once
/// Parser for OpenSTA `report_power` output, so the flow can read total power
/// and its internal/switching/leakage split.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// Parses the "Group Internal Switching Leakage Total" tables of
/// `report_power` into a ParsedReport with tool "opensta", kind "power". A
/// table may stand alone or inside a longer report (OpenLane corner banners,
/// ORFS 6_finish.rpt); the header may end in "(Watts)" or, as the 2019
/// OpenSTA prints it, carry no unit (then Watts).
///
/// Several tables are several corners (multi-corner OpenSTA needs one
/// `report_power -corner C` per corner; OpenLane prints "===== C Corner ====="
/// above each). The worst corner, the one with the largest total power (the
/// first printed on a tie), is the headline: values "internal", "switching",
/// "leakage", "total" (W) from its Total row, rows one per group
/// ("Sequential", "Combinational", "Clock", "Macro", "Pad", ...) with the same
/// four quantities, texts "corner" when a banner names it. With more than one
/// table every corner is kept too, numbered k = 1, 2, ... in printed order:
/// text "corner_k" (its banner name, "" without one) and values
/// "internal_k", "switching_k", "leakage_k", "total_k"; plus "corner_count".
/// Suffixed numbers rather than corner names, because corner names are free
/// text and value names must stay plain words.
///
/// Throws labq::InputError naming `file` and a line when there is no such
/// table, a row cannot be read or a table has no Total row.
ParsedReport ParseOpenStaPower(std::string_view text, const std::string& file);

}  // namespace labq::yosys_sta
