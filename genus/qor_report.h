#pragma once
/// `report_qor` of Genus (15.x-25.x): clock periods, the per-cost-group
/// timing table (optionally per analysis view), instance counts, area and
/// run statistics. Genus prints its times in ps without saying so.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::genus {

/// values: "worst_slack" (worst Critical Path Slack over the cost groups, any
/// sign) and "wns" (min(worst_slack, 0)), both absent when no group prints a
/// slack ("No paths" or a blank slack cell: no slack is not a slack of 0);
/// "tns" and "violating_paths" (the Total row), "clock_period" (only when one
/// clock), "leaf_instance_count",
/// "sequential_instance_count", "combinational_instance_count",
/// "hierarchical_instance_count", "physical_instance_count", "cell_area",
/// "physical_cell_area", "total_cell_area", "net_area", "total_area",
/// "runtime", "elapsed_runtime" (ns, like every time), "peak_memory" (MB as
/// printed), "max_fanout", "min_fanout", "average_fanout",
/// "terms_to_net_ratio", "terms_to_instance_ratio" where present.
/// texts: "hostname", "max_fanout_net", "min_fanout_net", header texts.
/// rows: "clock:<name>" {period}; "group:<name>" or "group:<view>/<name>"
/// {slack (absent for "No paths" or a blank cell), tns, violating_paths}.
ParsedReport ParseGenusQor(std::string_view text, const std::string& file);

}  // namespace labq::genus
