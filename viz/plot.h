#pragma once
/// `labq plot`: a sweep's results as a figure for slides, drawn by gnuplot.
///
/// The API for anything that shows figures (the CLI, a web dashboard):
///
///     viz::PlotRequest request{viz::PlotKind::kDpu, sweep_id};
///     viz::PlotFiles files = viz::RenderPlot(store, request, "out/dpu.svg");
///
/// RenderPlot writes the figure, and beside it the gnuplot script that drew
/// it (out/dpu.gp) and the script's data (out/dpu.dat), so a user can
/// restyle the figure and run `gnuplot dpu.gp` in out/ again. It reads the
/// store only. Errors are labq::Error with a message for the user: an unknown
/// metric names the known ones, a sweep without finished jobs says so, an
/// output folder that cannot be written is named.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "results/result_store.h"
#include "viz/figure.h"

namespace labq::viz {

enum class PlotKind {
  kDpu,       ///< Part 1: OPS/W and OPS/mm^2 per N, a bar per mode (--by), values annotated
  kQat,       ///< Part 2: the five results and the naive cut, bars, FP baseline line
  kCurves,    ///< per-epoch accuracy and loss of every QAT/pretrain job
  kCodesign,  ///< accuracy vs OPS/W with the Pareto front (needs the codesign table)
  kMetric,    ///< any metric (--y) against any parameter (--x), grouped (--by)
};

/// dpu|qat|curves|codesign|metric; throws labq::Error naming the choices.
PlotKind ParsePlotKind(const std::string& name);
std::string PlotKindName(PlotKind kind);
/// Every kind's name, in the order above.
const std::vector<std::string>& PlotKindNames();

struct PlotRequest {
  PlotKind kind = PlotKind::kDpu;
  int64_t sweep_id = 0;
  /// dpu: the dpu-table column that groups bars (default "mode"); metric: the
  /// job parameter that groups series (default: the other varying one).
  std::string by;
  /// metric: the metric on the y axis (required); dpu: one dpu-table column
  /// instead of the two default panels.
  std::string y;
  /// metric: the job parameter on the x axis (default: the one that varies).
  std::string x;
};

struct PlotFiles {
  std::filesystem::path figure;  ///< .svg, .png or .pdf, as asked
  std::filesystem::path script;  ///< <stem>.gp, kept for restyling
  std::filesystem::path data;    ///< <stem>.dat, what the script plots
};

/// What a request shows, without drawing it (the tests' and a dashboard's
/// view of the numbers). Throws labq::Error as RenderPlot does.
Figure BuildFigure(ResultStore& store, const PlotRequest& request);

/// Draws the figure with gnuplot into `out` (format from its extension).
PlotFiles RenderPlot(ResultStore& store, const PlotRequest& request,
                     const std::filesystem::path& out);

/// Writes `figure` and its script/data as RenderPlot does (no store needed).
PlotFiles DrawFigure(const Figure& figure, const std::filesystem::path& out,
                     const std::string& about);

/// gnuplot on PATH, or labq::Error saying how to install it.
std::filesystem::path RequireGnuplot();

}  // namespace labq::viz
