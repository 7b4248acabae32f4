#pragma once
/// One entry point for the open-source flow's reports, so callers name a
/// report by (tool, kind) as the run configuration does.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// Dispatches to ParseYosysStat ("yosys", "stat"), ParseOpenStaChecks
/// ("opensta", "checks"), ParseOpenStaPower ("opensta", "power") or
/// ParseOpenStaCellCounts ("opensta", "cells"). Throws
/// labq::Error naming `file` for any other pair.
ParsedReport ParseOpenFlowReport(std::string_view tool, std::string_view kind,
                                 std::string_view text, const std::string& file);

}  // namespace labq::yosys_sta
