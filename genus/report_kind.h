#pragma once
/// One entry point for every Genus report kind, so callers that know a job's
/// report kinds from its configuration need not know each parser.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::genus {

/// Parses `text` as a Genus (or RTL Compiler / Joules) report of `kind`:
/// "timing", "area", "power", "gates" or "qor". An unknown kind throws
/// labq::Error naming the file and the kinds that exist.
ParsedReport ParseGenusReport(std::string_view kind, std::string_view text,
                              const std::string& file);

}  // namespace labq::genus
