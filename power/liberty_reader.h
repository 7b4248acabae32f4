#pragma once
/// Reads a Liberty file into power::Liberty (liberty.h): units from the
/// library header, wire-load models, table templates and, per cell, area,
/// leakage, pins, functions, internal power, timing slews and ff/latch
/// groups. Errors name file:line (syntax) or the cell, pin and file (an
/// unparseable `function` or `when`).

#include <filesystem>
#include <string>
#include <string_view>

#include "power/liberty.h"

namespace labq::power {

/// Reads a plain (uncompressed) .lib. Throws labq::Error / InputError.
Liberty ReadLiberty(const std::filesystem::path& path);

/// The same from text in memory; `file` names it in errors.
Liberty ReadLibertyText(std::string_view text, const std::string& file);

}  // namespace labq::power
