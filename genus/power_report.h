#pragma once
/// `report_power` of Genus, RTL Compiler and Joules. Two families:
///  - legacy (Genus 15.x-18.x, RC): "Instance Cells Leakage/Dynamic/Total
///    Power(nW)" per instance, unit in each column header (RC may print
///    Internal, Net and Switching instead: Net is the switching part and its
///    Switching column, internal + net, is read as dynamic);
///  - Joules engine (Genus 19.x+): "Power Unit: W" and either the Category
///    table (memory, register, ..., Subtotal) or the by-hierarchy table
///    ("Cells Pct_cells Leakage Internal Switching Total Lvl Instance").

#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq::genus {

/// values, in W: "leakage", "internal" and "switching" (when the report splits
/// dynamic power), "dynamic", "total"; "cell_count" when the table has cells.
/// The top instance (legacy, by-hierarchy) or the Subtotal row (Category) is
/// the result; rows hold every instance or category.
ParsedReport ParseGenusPower(std::string_view text, const std::string& file);

}  // namespace labq::genus
