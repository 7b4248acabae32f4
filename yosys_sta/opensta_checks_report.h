#pragma once
/// Parser for OpenSTA `report_checks` output (OpenSTA itself, OpenROAD,
/// OpenLane and ORFS reports), so the flow can read the critical path slack.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// Parses `report_checks` text into a ParsedReport with tool "opensta", kind
/// "checks". Accepts any column set (Delay/Time alone or with Fanout, Cap,
/// Slew), several path groups, several corners ("Corner:" lines, OpenLane
/// banners), min and max paths, unconstrained paths and other report
/// sections around them (ORFS 6_finish.rpt).
///
/// The result is the worst path: the smallest slack among the setup (max)
/// paths, or among all paths when the report has only hold (min) paths; the
/// first printed wins a tie. values: "slack", "arrival", "required" (ns; a
/// `report_units` line such as " time 1ps" changes the unit read), and
/// "clock_period" when the path is launched and captured on rising edges of
/// one clock; "path_count" (count). texts: "startpoint", "endpoint" (pin names
/// only), "path_group", "path_type", "status" ("MET", "VIOLATED"), "corner"
/// and "clock" when printed. rows: one per path, named by its endpoint.
///
/// A report with only "No paths found." gives texts status "NO_PATHS", no
/// slack and path_count 0: callers treat that as an error. A report with only
/// unconstrained paths gives status "UNCONSTRAINED" and an arrival but no
/// slack. Throws labq::InputError naming `file` and a line when the text is
/// not report_checks output or a path in it is cut short.
ParsedReport ParseOpenStaChecks(std::string_view text, const std::string& file);

}  // namespace labq::yosys_sta
