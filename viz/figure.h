#pragma once
/// What a figure shows, before any plotting engine sees it: panels of named
/// series of points. The kinds of `labq plot` fill one of these from the
/// store; gnuplot_script.h turns it into a script and a data file.

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace labq::viz {

enum class PanelStyle {
  kBars,   ///< vertical bars, one cluster per x category, one bar per series
  kHBars,  ///< horizontal bars, one per y category (long labels read on a slide)
  kLines,  ///< lines with points over a numeric or categorical x
  /// One marker per point over numeric x and y (colour and marker shape say
  /// what the point is), notes placed where they hide no marker; a series
  /// may instead be a staircase through its points (a Pareto front).
  kScatter,
};

/// A marker's shape (kScatter); the renderer picks the glyph.
enum class Marker { kCircle, kTriangle, kSquare, kDiamond, kInvertedTriangle };

struct Point {
  double x = 0;  ///< a category's index (bars, categorical lines) or a number
  double y = 0;
  std::string note;  ///< annotation printed beside the point ("" none)
};

struct Series {
  std::string title;  ///< key entry (user data: escaped)
  std::vector<Point> points;
  int color = 0;                    ///< index into the Okabe-Ito palette
  int dash = 1;                     ///< gnuplot dash type: 1 solid, 2 dashed, ...
  Marker marker = Marker::kCircle;  ///< kScatter
  bool hollow = false;              ///< kScatter: an open marker
  /// kBars: 0 a solid bar; 1 hatched; 2 an open bar (outline only). Tells
  /// apart series of one colour (the dpu figure: one colour per mode, a
  /// fill per DPU format).
  int fill = 0;
  /// kScatter: a line through the points in x order, first down then across
  /// (the edge of what they dominate), instead of markers.
  bool staircase = false;
};

/// A key line of its own (kScatter): what a colour or a shape means, apart
/// from any one series. No marker: a heading.
struct KeyEntry {
  std::string title;
  std::optional<Marker> marker;
  bool hollow = false;
  int color = 7;  ///< black: a shape whatever the colour
};

/// A horizontal (vertical for kHBars) reference line, e.g. the FP baseline.
struct ReferenceLine {
  double value = 0;
  std::string label;
  int dash = 2;  ///< gnuplot dash type (several lines on one panel differ)
};

struct Panel {
  std::string title;
  std::string xlabel;  ///< with the unit: "N (elements)"
  std::string ylabel;  ///< with the unit: "energy efficiency (GOPS/W)"
  PanelStyle style = PanelStyle::kLines;
  std::vector<Series> series;
  /// Category names by index (bars: x; hbars: y). Empty: numeric axis.
  std::vector<std::string> categories;
  bool log_x = false;
  std::optional<double> x_tic_step;    ///< numeric x: one tic every this much (epochs: 1)
  std::optional<double> y_min, y_max;  ///< value axis range (x for kHBars)
  /// Value-axis tics {start, step, end} when they should stop short of the
  /// range (accuracy tics end at 100 % though notes need room beyond).
  std::optional<std::array<double, 3>> value_tics;
  /// Bars: in the key; kScatter: labelled on the line, where no marker is.
  std::vector<ReferenceLine> references;
  /// kScatter: when set, the key lists these instead of the series' titles
  /// (colour and shape explained once each, not every combination).
  std::vector<KeyEntry> key;
  std::optional<double> x_min, x_max;  ///< kScatter: numeric x range
  /// A vertical dotted line at this x (kLines), e.g. where pretraining ends.
  std::optional<double> x_divider;
  /// Where a kLines key goes, as gnuplot says it ("bottom left", "top
  /// center"): where the curves are not. Only these words, never user text.
  /// kBelow: under the panel, outside the plot area, where it cannot cover
  /// data whatever the curves do (the plot area shrinks to make room).
  enum class KeyPlace {
    kBottomRight,
    kBottomLeft,
    kTopCenter,
    kBelow
  } key_place = KeyPlace::kBottomRight;
};

struct Figure {
  std::string title;  ///< over all panels
  std::vector<Panel> panels;
};

/// The Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008), black last.
const std::vector<std::string>& Palette();

}  // namespace labq::viz
