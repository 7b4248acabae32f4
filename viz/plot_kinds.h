#pragma once
/// One builder per `labq plot` kind: reads the store and returns the Figure.
/// Internal to viz/ (plot.h is the API).

#include <string>

#include "results/result_store.h"
#include "viz/figure.h"
#include "viz/plot.h"

namespace labq::viz {

/// The sweep's name as figures show it, and what a sweep without finished
/// jobs is told.
struct SweepView {
  int64_t id = 0;
  std::string name;
};

Figure DpuFigure(ResultStore& store, const PlotRequest& request, const SweepView& sweep);
Figure QatFigure(ResultStore& store, const SweepView& sweep);
Figure CurvesFigure(ResultStore& store, const SweepView& sweep);
/// Accuracy vs OPS/W, one marker per codesign-table row (colour: mode;
/// shape: precision and b_format), the table's Pareto rows as a staircase,
/// the float-activation accuracy per precision as dashed lines. Throws
/// labq::Error naming the sweep when it has no hw_eval rows to draw.
Figure CodesignFigure(ResultStore& store, const SweepView& sweep);
Figure MetricFigure(ResultStore& store, const PlotRequest& request, const SweepView& sweep);

/// A value scaled for an axis: 4.1e11 OPS/W reads as 410 GOPS/W.
struct Scale {
  double factor = 1;
  std::string prefix;  ///< "", "k", "M", "G", "T", "P"
};
Scale ScaleFor(double max_value);

}  // namespace labq::viz
