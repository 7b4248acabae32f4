#pragma once
/// The design-rule summaries OpenSTA prints beside `report_checks`: max slew
/// (max_transition in OpenSTA 2.0.17), max capacitance and max fanout
/// violations, and the unconstrained endpoints `check_setup` counts. A path
/// can meet timing while a net drives far past its slew limit, so these are
/// metrics of their own.

#include <string>
#include <string_view>
#include <vector>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// Adds to `report` what `lines` print of:
///  - `report_check_types -max_slew|-max_transition|-max_capacitance|-max_fanout
///    [-violators|-all_violators]` tables ("max slew" / "max_transition",
///    "max capacitance", "max fanout", each with a "Pin Limit <X> Slack"
///    table): "<kind>_worst_slack" (the smallest slack in the table; slew in
///    `time_unit` read as ns, capacitance as printed, fanout as a count) and
///    "<kind>_violations" (the rows marked VIOLATED);
///  - "max slew violation count N" lines (OpenLane, ORFS), also per corner
///    ("max slew violations count Slowest: 0"): "<kind>_violations" is the
///    largest count printed, and wins over the table's rows, which may list
///    only the worst pin;
///  - "Warning: There are N unconstrained endpoints." (`check_setup
///    -unconstrained_endpoints`): "unconstrained_endpoints".
/// <kind> is "max_slew", "max_capacitance" or "max_fanout". A report without
/// a section (older outputs, or a clean design with -violators, which prints
/// nothing) gets no value for it: absent, never a guessed 0. Throws
/// labq::InputError naming `file` and the line of a table row that cannot be
/// read.
void ReadLimitChecks(const std::vector<std::string>& lines, std::string_view time_unit,
                     const std::string& file, ParsedReport& report);

}  // namespace labq::yosys_sta
