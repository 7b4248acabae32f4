#pragma once
/// `labq report`: one folder a user pastes slides from. report.md (tables as
/// Markdown, figures as links to the SVG files beside it) and a
/// self-contained report.html (the same tables, the figures inlined as SVG),
/// plus the sweep YAML as submitted, the tool versions on this machine and
/// how each number was computed. Everything the user controls (sweep names,
/// job names, the YAML, notes) is escaped for HTML and Markdown.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/html_escape.h"  // HtmlEscape
#include "results/result_store.h"

namespace labq::viz {

struct ReportRequest {
  int64_t sweep_id = 0;
  std::filesystem::path out_dir;  ///< created if missing (its parent must exist)
  /// Tools whose `--version` line the report lists; empty: yosys, sta,
  /// verilator, iverilog, gnuplot.
  std::vector<std::vector<std::string>> version_commands;
};

struct ReportFiles {
  std::filesystem::path markdown;
  std::filesystem::path html;
  std::vector<std::filesystem::path> figures;  ///< the SVGs drawn (with .gp/.dat beside)
  std::vector<std::string> skipped;            ///< "codesign: why" per figure not drawn
};

/// Throws labq::Error when the sweep has no finished job or `out_dir`
/// cannot be written (naming it).
ReportFiles WriteReport(ResultStore& store, const ReportRequest& request);

/// A gnuplot SVG made fit to sit inside HTML: the XML prolog dropped and
/// every id prefixed with `prefix` so several figures on one page do not
/// share ids. Throws labq::Error when `svg` is not an SVG document.
std::string InlineSvg(const std::string& svg, const std::string& prefix);

}  // namespace labq::viz
