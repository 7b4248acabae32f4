#pragma once
/// The "====" banner every Genus, RTL Compiler and Joules report starts with:
/// who wrote it (and so which format to expect), for which module and
/// libraries.

#include <string>
#include <string_view>
#include <vector>

#include "common/parsed_report.h"

namespace labq::genus {

/// Fills out.texts from the banner when the report has one (Joules-style power
/// reports have none; then nothing is filled):
///   generated_by, version ("21.18-s082_1"), generated_on, module,
///   technology_libraries, operating_conditions, library_domains,
///   wireload_mode, interconnect_mode, area_mode.
/// Repeated keys and continuation lines are joined with "; ".
void ParseGenusHeader(const std::vector<std::string>& lines, ParsedReport& out);

/// "Genus(TM) Synthesis Solution GENUS15.20 - 15.20-p004_1" -> "15.20-p004_1";
/// "Encounter(R) RTL Compiler RC14.28 - v14.20-s067_1" -> "14.20-s067_1".
/// "" when the last word is not a version.
std::string VersionFromGeneratedBy(std::string_view generated_by);

}  // namespace labq::genus
