#include "yosys_sta/report_kind.h"

#include "common/error.h"
#include "common/report_text.h"
#include "yosys_sta/opensta_cell_counts.h"
#include "yosys_sta/opensta_checks_report.h"
#include "yosys_sta/opensta_power_report.h"
#include "yosys_sta/yosys_stat_report.h"

namespace labq::yosys_sta {

ParsedReport ParseOpenFlowReport(std::string_view tool, std::string_view kind,
                                 std::string_view text, const std::string& file) {
  if (tool == "yosys" && kind == "stat") return ParseYosysStat(text, file);
  if (tool == "opensta" && kind == "checks") return ParseOpenStaChecks(text, file);
  if (tool == "opensta" && kind == "power") return ParseOpenStaPower(text, file);
  if (tool == "opensta" && kind == "cells") return ParseOpenStaCellCounts(text, file);
  throw Error(file + ": no parser for " + Excerpt(tool) + " " + Excerpt(kind) +
              " reports (known: yosys stat, opensta checks, opensta power, opensta cells)");
}

}  // namespace labq::yosys_sta
