#pragma once
/// `report_timing` output of Genus (and RTL Compiler) in its two shapes:
///  - the current one, "Path 1: VIOLATED (-376 ps) ..." with a boxed
///    "Clock Edge:+ ... Slack:=" summary (Genus 15.x to 25.x);
///  - the older Pin/Type/Fanout table ended by "Timing slack : 6762ps",
///    which RTL Compiler and `report_timing` in legacy UI mode still print.

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::genus {

/// The worst path is the result: the smallest slack over all paths (the first
/// printed on a tie; the first path when none has a slack). values, in ns:
/// "slack", "arrival" (data arrival at the endpoint: Launch Clock + Input
/// Delay + Data Path in the boxed format; in the table format the "<<<" row,
/// or the last pin row before the output "ext delay" and check rows), "required",
/// "data_path", "launch_clock_arrival", "capture_clock_arrival",
/// "input_delay", "output_delay", "setup", "hold", "uncertainty",
/// "capture_edge", "launch_edge", "path_delay" where the report has them (in
/// the table format "input_delay"/"output_delay" are the "ext delay" rows
/// before/after the data path and "setup"/"hold"/"recovery"/"removal" the
/// check row, each from its Delay column, none of them inside "arrival" except
/// the input delay, as in the boxed format);
/// always "path_count". Genus path reports print no clock period, so there is
/// no "clock_period" (report_qor has it). Times are ps unless the path header
/// or slack line says otherwise.
/// texts: "status" (MET, VIOLATED, UNCONSTRAINED), "startpoint", "endpoint",
/// "group", "view", "launch_clock", "capture_clock", "check", header texts.
/// rows: one per path, named by endpoint, with its slack/arrival/required.
/// Throws labq::Error naming file and line when no path can be read.
ParsedReport ParseGenusTiming(std::string_view text, const std::string& file);

}  // namespace labq::genus
