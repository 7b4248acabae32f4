#pragma once
/// Figures for a server (the web dashboard): draws a sweep's figure on
/// request into a private folder that lives as long as the renderer.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace labq::viz {

/// (sweep id in decimal, kind name) -> the SVG's path, or nullopt when the
/// figure cannot be drawn (unknown kind, no finished jobs, no gnuplot).
using SvgRenderer =
    std::function<std::optional<std::filesystem::path>(const std::string&, const std::string&)>;

/// Opens `db_path` read-only for each figure; the folder the SVGs go to is
/// removed when the last copy of the renderer is gone.
SvgRenderer MakeSvgRenderer(std::string db_path);

}  // namespace labq::viz
