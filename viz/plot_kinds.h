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
Figure MetricFigure(ResultStore& store, const PlotRequest& request, const SweepView& sweep);

/// A value scaled for an axis: 4.1e11 OPS/W reads as 410 GOPS/W.
struct Scale {
  double factor = 1;
  std::string prefix;  ///< "", "k", "M", "G", "T", "P"
};
Scale ScaleFor(double max_value);

}  // namespace labq::viz
