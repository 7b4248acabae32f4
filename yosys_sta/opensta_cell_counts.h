#pragma once
/// Parser for the cell counts labq's sta.tcl writes beside its reports
/// (yosys_sta/templates/sta.tcl.mustache): "registers N" (flip-flops and
/// latches as the liberty classifies them, OpenSTA's `all_registers -cells`)
/// and "cells N" (every instance). The breakdown columns of `labq table dpu`
/// (flops, combinational cells) come from it.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::yosys_sta {

/// values "registers" and "cells" (count), both required, and
/// "combinational" (cells - registers). Throws labq::InputError naming `file`
/// and the line of anything else: an unknown line, a count that is not a
/// whole non-negative number, a name given twice, more registers than cells.
ParsedReport ParseOpenStaCellCounts(std::string_view text, const std::string& file);

}  // namespace labq::yosys_sta
