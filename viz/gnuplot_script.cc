#include "viz/gnuplot_script.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "viz/note_placement.h"

namespace labq::viz {
namespace {

/// A number as gnuplot reads it, without locale or float noise.
std::string Num(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

std::string Q(std::string_view text, std::string_view what) { return GnuplotQuote(text, what); }

/// Annotations come from our own number formatting; the data file quotes
/// them in double quotes, which gnuplot does not expand when reading data.
std::string DataString(const std::string& note) {
  for (char c : note) {
    if (c == '"' || static_cast<unsigned char>(c) < 0x20)
      throw Error("figure annotation '" + note + "' holds a quote or control character");
  }
  return "\"" + note + "\"";
}

/// The text size of axis labels and tics: SVG sizes are pixels of the
/// 1280x720 canvas, cairo's points at 72 dpi; both read from a slide's back row.
int BaseFont(ImageFormat format) { return format == ImageFormat::kSvg ? 20 : 17; }

std::string Terminal(ImageFormat format) {
  const std::string font = "font 'DejaVu Sans," + std::to_string(BaseFont(format)) + "'";
  switch (format) {
    case ImageFormat::kSvg:
      return "set terminal svg size 1280,720 " + font + " linewidth 1.5 background rgb 'white'\n";
    case ImageFormat::kPng:
      return "set terminal pngcairo size 1280,720 " + font +
             " linewidth 1.5 background rgb 'white'\n";
    case ImageFormat::kPdf:
      return "set terminal pdfcairo size 13.333in,7.5in " + font + " linewidth 1.5\n";
  }
  return "";
}

/// A font size relative to the base: notes a little smaller, titles larger.
std::string Font(ImageFormat format, int delta) {
  return "font '," + std::to_string(BaseFont(format) + delta) + "'";
}

/// The largest value a panel shows (for headroom above bars and notes).
double MaxValue(const Panel& panel) {
  double m = 0;
  for (const auto& s : panel.series)
    for (const auto& p : s.points) m = std::max(m, p.y);
  for (const auto& r : panel.references) m = std::max(m, r.value);
  return m;
}

/// Settings a previous panel of a multiplot may have left.
const char* kPanelReset =
    "unset title; unset xlabel; unset ylabel; unset arrow; unset label; unset logscale\n"
    "set xrange [*:*]; set yrange [*:*]; set xtics autofreq; set ytics autofreq\n"
    "set key default; set key noopaque; unset grid; unset offsets\n";

std::string CategoryTics(const std::vector<std::string>& categories, bool reversed) {
  std::string out = "(";
  for (size_t i = 0; i < categories.size(); ++i) {
    const double pos = reversed ? static_cast<double>(categories.size() - 1 - i) : i;
    out += (i ? ", " : "") + Q(categories[i], "category name") + " " + Num(pos);
  }
  return out + ")";
}

/// Where series `i` of `n` sits inside a category's cluster.
double ClusterOffset(size_t i, size_t n, double width) {
  return (static_cast<double>(i) - (static_cast<double>(n) - 1) / 2) * width;
}

/// How far (in y units) to move each kLines series' note so that notes at
/// the same x stay apart: close final values (two losses 0.015 apart) would
/// print on top of each other. Only series with a single note move; a group
/// of crowded notes is spread to a minimum gap around its own mean.
std::vector<double> NoteLifts(const Panel& panel) {
  std::vector<double> lift(panel.series.size(), 0);
  double low = 0, high = 0;
  bool any = false;
  std::map<double, std::vector<std::pair<double, size_t>>> by_x;  // x -> (y, series)
  for (size_t i = 0; i < panel.series.size(); ++i) {
    int noted = 0;
    for (const auto& p : panel.series[i].points) {
      low = any ? std::min(low, p.y) : p.y;
      high = any ? std::max(high, p.y) : p.y;
      any = true;
      noted += !p.note.empty();
    }
    if (noted != 1) continue;
    for (const auto& p : panel.series[i].points) {
      if (!p.note.empty()) by_x[p.x].push_back({p.y, i});
    }
  }
  // About one line of note text on a 1280x720 slide panel.
  const double gap = 0.06 * (high - low);
  for (auto& [x, notes] : by_x) {
    std::sort(notes.begin(), notes.end());
    // Runs of notes closer than `gap` are spread evenly around their mean.
    for (size_t first = 0; first < notes.size();) {
      size_t last = first;
      while (last + 1 < notes.size() && notes[last + 1].first - notes[last].first < gap) ++last;
      const size_t n = last - first + 1;
      double mean = 0;
      for (size_t k = first; k <= last; ++k) mean += notes[k].first / static_cast<double>(n);
      for (size_t k = first; k <= last && n > 1; ++k) {
        const double place =
            mean + gap * (static_cast<double>(k - first) - static_cast<double>(n - 1) / 2);
        lift[notes[k].second] = place - notes[k].first;
      }
      first = last + 1;
    }
  }
  return lift;
}

/// gnuplot's point type for a marker: filled, and open one below it.
int PointType(Marker marker, bool hollow) {
  int filled = 7;
  switch (marker) {
    case Marker::kCircle:
      filled = 7;
      break;
    case Marker::kTriangle:
      filled = 9;
      break;
    case Marker::kSquare:
      filled = 5;
      break;
    case Marker::kDiamond:
      filled = 13;
      break;
    case Marker::kInvertedTriangle:
      filled = 11;
      break;
  }
  return hollow ? filled - 1 : filled;
}

/// A dash type that reads apart on every terminal: gnuplot's numbered 2 and
/// 3 look alike in SVG, so reference lines of a scatter use patterns.
std::string ScatterDash(int dash) {
  if (dash == 2) return "(14,8)";
  if (dash == 3) return "(3,6)";
  return std::to_string(dash);
}

/// A kScatter panel fills the canvas at fixed margins (key on the right), so
/// its plot area is known here and notes can be placed in pixels of it.
/// Units: pixels of the 1280x720 canvas (PDF's points scaled to it). The
/// left margin holds "100" tick labels and the y label beside them.
struct ScatterFrame {
  static constexpr double kLeft = 0.1, kRight = 0.675, kBottom = 0.16, kTop = 0.885;
  static constexpr double kWidth = 1280 * (kRight - kLeft), kHeight = 720 * (kTop - kBottom);
  /// What a marker covers, whatever the format (gnuplot's `ps` differs).
  static constexpr double kMarkerRadius = 11.5;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  bool log_x = false;
  double font_scale = 1;   ///< canvas pixels per point of font
  double marker_size = 1;  ///< gnuplot `ps` that draws kMarkerRadius

  double X(double x) const {
    return log_x ? std::log(x / x0) / std::log(x1 / x0) * kWidth : (x - x0) / (x1 - x0) * kWidth;
  }
  double Y(double y) const { return (y - y0) / (y1 - y0) * kHeight; }
  double DataX(double px) const {
    return log_x ? x0 * std::pow(x1 / x0, px / kWidth) : x0 + px / kWidth * (x1 - x0);
  }
  double DataY(double py) const { return y0 + py / kHeight * (y1 - y0); }
  /// A line of `chars` characters at font size `points`: DejaVu Sans is
  /// about 0.62 em a character; a little margin for the white box.
  double TextWidth(size_t chars, int points) const {
    return (0.62 * static_cast<double>(chars) * points + 10) * font_scale;
  }
  double TextHeight(int points) const { return (1.25 * points + 2) * font_scale; }
};

/// Characters as a reader counts them (UTF-8 continuation bytes are not).
size_t Glyphs(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

/// The data range of a kScatter axis with 8 % room on each side (a factor
/// on a log axis), unless the panel fixes it.
std::pair<double, double> ScatterRange(std::vector<double> values, std::optional<double> low,
                                       std::optional<double> high, bool log) {
  if (values.empty()) values = {1};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  double a = *lo, b = *hi;
  if (log) {
    a = a > 0 ? a / 1.25 : 1;
    b = b > 0 ? b * 1.25 : 10;
  } else {
    const double span = b > a ? b - a : std::max(std::fabs(a) * 0.1, 1.0);
    a -= 0.08 * span;
    b += 0.08 * span;
  }
  return {low.value_or(a), high.value_or(b)};
}

struct Builder {
  ImageFormat format;
  std::string data_name;
  std::string script;
  std::string data;
  int block = 0;  ///< next `index` in the data file

  /// Writes one data block; returns its index.
  int Block(const std::vector<std::array<double, 2>>& xy, const std::vector<std::string>& notes) {
    for (size_t i = 0; i < xy.size(); ++i) {
      data += Num(xy[i][0]) + "\t" + Num(xy[i][1]) + "\t" + DataString(notes[i]) + "\n";
    }
    data += "\n\n";
    return block++;
  }

  std::string Source(int index) const {
    return Q(data_name, "data file name") + " index " + std::to_string(index);
  }

  std::string TextColor(const Series& s) const {
    const auto& p = Palette();
    return "tc rgb '" + p[static_cast<size_t>(s.color) % p.size()] + "'";
  }

  /// A bar's fill style (Series::fill); the solid one is the lab figure's.
  std::string BarFill(const Series& s) const {
    const auto& p = Palette();
    switch (s.fill) {
      case 0:
        return "fs solid 0.9 noborder";
      case 1:  // the series' colour, light (fc: SVG would take the next colour)
        return "fs solid 0.35 border fc rgb '" + p[static_cast<size_t>(s.color) % p.size()] + "'";
      default:
        return "fs empty border lw 2";
    }
  }

  std::string Color(const Series& s) const {
    const auto& p = Palette();
    return "lc rgb '" + p[static_cast<size_t>(s.color) % p.size()] + "'";
  }

  void AddPanel(const viz::Panel& panel) {
    script += kPanelReset;
    if (!panel.title.empty())
      script += "set title " + Q(panel.title, "panel title") + " " + Font(format, 3) + "\n";
    if (!panel.xlabel.empty()) script += "set xlabel " + Q(panel.xlabel, "axis label") + "\n";
    if (!panel.ylabel.empty()) script += "set ylabel " + Q(panel.ylabel, "axis label") + "\n";
    switch (panel.style) {
      case PanelStyle::kBars:
        Bars(panel);
        break;
      case PanelStyle::kHBars:
        HBars(panel);
        break;
      case PanelStyle::kLines:
        Lines(panel);
        break;
      case PanelStyle::kScatter:
        Scatter(panel);
        break;
    }
  }

  std::string Range(const viz::Panel& panel, double headroom) const {
    const double top = panel.y_max ? *panel.y_max : MaxValue(panel) * headroom;
    return "[" + (panel.y_min ? Num(*panel.y_min) : std::string("0")) + ":" +
           (top > 0 ? Num(top) : std::string("*")) + "]";
  }

  std::string ReferencePlot(const viz::Panel& panel) const {
    std::string out;
    for (const auto& r : panel.references) {
      out += ", NaN with lines lc rgb '#000000' dt " + std::to_string(r.dash) + " lw 2.5 title " +
             Q(r.label, "reference label");
    }
    return out;
  }

  void Bars(const viz::Panel& panel) {
    const size_t n = std::max<size_t>(1, panel.series.size());
    const double width = 0.8 / static_cast<double>(n);
    // More than four bars a cluster: a level note is wider than its bar, so
    // notes stand upright (no box: a box would hide its neighbour's).
    const bool crowded = n > 4;
    script += "set xrange [-0.6:" + Num(static_cast<double>(panel.categories.size()) - 0.4) + "]\n";
    script += "set xtics " + CategoryTics(panel.categories, false) + " nomirror scale 0\n";
    script += "set yrange " + Range(panel, 1.18) + "\nset ytics nomirror\n";
    if (panel.value_tics) {
      const auto& t = *panel.value_tics;
      script += "set ytics " + Num(t[0]) + ", " + Num(t[1]) + ", " + Num(t[2]) + "\n";
    }
    script += "set grid ytics lc rgb '#dddddd' lw 1 dt 1\nset border 3\n";
    script += "set boxwidth " + Num(width * 0.92) + " absolute\n";
    // Crowded: a column per three entries (the dpu figure's series are mode
    // by mode, so a column is a mode); a horizontal key would run down the page.
    script += crowded
                  ? "set key outside top center vertical maxrows " + std::to_string((n + 2) / 3) +
                        " reverse Left samplen 1.5 width -3 " + Font(format, -4) + "\n"
                  : "set key outside top center horizontal samplen 1.5\n";
    for (const auto& r : panel.references) {
      script += "set arrow from graph 0, first " + Num(r.value) + " to graph 1, first " +
                Num(r.value) + " nohead lc rgb '#000000' dt " + std::to_string(r.dash) +
                " lw 2.5 back\n";
    }
    std::string plot = "plot ";
    for (size_t i = 0; i < panel.series.size(); ++i) {
      const auto& s = panel.series[i];
      std::vector<std::array<double, 2>> xy;
      std::vector<std::string> notes;
      for (const auto& p : s.points) {
        xy.push_back({p.x + ClusterOffset(i, n, width), p.y});
        notes.push_back(p.note);
      }
      if (xy.empty()) continue;
      const int b = Block(xy, notes);
      plot += std::string(plot.size() > 5 ? ", \\\n     " : "") + Source(b) +
              " using 1:2 with boxes " + BarFill(s) + " " + Color(s) + " title " +
              Q(s.title, "series title") + ", \\\n     " + Source(b) + " using 1:2:3 with labels " +
              (crowded ? "left rotate by 90 offset 0,0.4 " : "center offset 0,0.8 ") +
              Font(format, -2) + (crowded ? "" : " boxed") + " notitle";
    }
    script += plot + ReferencePlot(panel) + "\n";
  }

  void HBars(const viz::Panel& panel) {
    const size_t k = panel.categories.size();
    // A free band above the top bar holds the reference line's key entry.
    const double band = panel.references.empty() ? 0.0 : 0.6;
    script += "set yrange [-0.6:" + Num(static_cast<double>(k) - 0.4 + band) + "]\n";
    script += "set ytics " + CategoryTics(panel.categories, true) + " nomirror scale 0\n";
    script += "set xrange " + Range(panel, 1.22) + "\nset xtics nomirror\n";
    if (panel.value_tics) {
      const auto& t = *panel.value_tics;
      script += "set xtics " + Num(t[0]) + ", " + Num(t[1]) + ", " + Num(t[2]) + "\n";
    }
    script += "set grid xtics lc rgb '#dddddd' lw 1 dt 1\nset border 3\n";
    // Bars are coloured by class and named on the axis, so they need no key
    // entries; the reference line's entry sits in the free band, left of the
    // line (bars start at 0, so the line is right of the middle; at the
    // right the opaque key hid the line).
    script += "set key inside top left samplen 2\n";
    for (const auto& r : panel.references) {
      script += "set arrow from first " + Num(r.value) + ", graph 0 to first " + Num(r.value) +
                ", graph 1 nohead lc rgb '#000000' dt " + std::to_string(r.dash) + " lw 2.5 back\n";
    }
    std::string plot = "plot ";
    for (const auto& s : panel.series) {
      std::vector<std::array<double, 2>> xy;
      std::vector<std::string> notes;
      for (const auto& p : s.points) {
        xy.push_back({static_cast<double>(k) - 1 - p.x, p.y});
        notes.push_back(p.note);
      }
      if (xy.empty()) continue;
      const int b = Block(xy, notes);
      plot += std::string(plot.size() > 5 ? ", \\\n     " : "") + Source(b) +
              " using ($2/2):1:($2/2):(0.34) with boxxyerror fs solid 0.9 noborder " + Color(s) +
              " notitle, \\\n     " + Source(b) + " using 2:1:3 with labels left offset 0.6,0 " +
              Font(format, -1) + " boxed notitle";
    }
    script += plot + ReferencePlot(panel) + "\n";
  }

  ScatterFrame Frame(const viz::Panel& panel) const {
    std::vector<double> xs, ys;
    for (const auto& s : panel.series) {
      for (const auto& p : s.points) {
        xs.push_back(p.x);
        ys.push_back(p.y);
      }
    }
    for (const auto& r : panel.references) ys.push_back(r.value);
    ScatterFrame f;
    f.log_x = panel.log_x;
    std::tie(f.x0, f.x1) = ScatterRange(xs, panel.x_min, panel.x_max, panel.log_x);
    std::tie(f.y0, f.y1) = ScatterRange(ys, panel.y_min, panel.y_max, false);
    // SVG sizes are canvas pixels; cairo's are points, 4/3 of a pixel, and
    // cairo's markers are smaller at one `ps` (measured on the drawn images).
    const bool cairo = format != ImageFormat::kSvg;
    f.font_scale = cairo ? 4.0 / 3.0 : 1.0;
    f.marker_size = cairo ? 3.0 : 1.4;
    return f;
  }

  /// Thin boxes along the reference lines and the staircases: text on a
  /// line is hard to read and hides where the line goes.
  static std::vector<Rect> LineBoxes(const viz::Panel& panel, const ScatterFrame& f) {
    constexpr double kHalf = 2;
    std::vector<Rect> boxes;
    for (const auto& r : panel.references) {
      boxes.push_back({0, f.Y(r.value) - kHalf, ScatterFrame::kWidth, f.Y(r.value) + kHalf});
    }
    for (const auto& s : panel.series) {
      if (!s.staircase) continue;
      std::vector<Point> points = s.points;
      std::sort(points.begin(), points.end(),
                [](const Point& a, const Point& b) { return a.x < b.x; });
      for (size_t i = 1; i < points.size(); ++i) {
        // Down at the first point's x, then across at the second's y.
        const double x0 = f.X(points[i - 1].x), x1 = f.X(points[i].x);
        const double ya = f.Y(points[i - 1].y), yb = f.Y(points[i].y);
        boxes.push_back({x0 - kHalf, std::min(ya, yb), x0 + kHalf, std::max(ya, yb)});
        boxes.push_back({x0, yb - kHalf, x1, yb + kHalf});
      }
    }
    return boxes;
  }

  /// Reference lines, each labelled on the line where no marker or other
  /// line is (ends first, then the middle and the quarters; above, then
  /// below). Returns the key entries of those that found no such place:
  /// two lines close together share no room, and a line without its label
  /// is a riddle.
  /// The lines are plotted as constants, not arrows: gnuplot's SVG merges
  /// consecutive arrows into one path with the first one's dashes.
  struct ReferenceClauses {
    std::string lines, key;
  };
  ReferenceClauses ScatterReferences(const viz::Panel& panel, const ScatterFrame& f,
                                     std::vector<Rect>& taken) {
    const Rect area{0, 0, ScatterFrame::kWidth, ScatterFrame::kHeight};
    const int points = BaseFont(format) - 3;
    ReferenceClauses out;
    for (const auto& r : panel.references) {
      out.lines += ", \\\n     " + Num(r.value) + " with lines lw 2 dt " + ScatterDash(r.dash) +
                   " lc rgb '#000000' notitle";
      const double w = f.TextWidth(Glyphs(r.label), points), h = f.TextHeight(points);
      const double y = f.Y(r.value), right = ScatterFrame::kWidth - 4;
      std::vector<Rect> spots;
      for (const double top : {y + 3 + h, y - 3}) {
        for (const double x :
             {right - w, 4.0, (right - w) / 2, (right - w) / 4, (right - w) * 0.75})
          spots.push_back({x, top - h, x + w, top});
      }
      if (const auto spot = TakeFreeSpot(spots, area, taken)) {
        script += "set label " + Q(r.label, "reference label") + " at first " +
                  Num(f.DataX(spot->CenterX())) + ", first " + Num(f.DataY(spot->CenterY())) +
                  " center " + Font(format, -3) + " front\n";
      } else {
        out.key += ", \\\n     keyentry with lines lw 2 dt " + ScatterDash(r.dash) +
                   " lc rgb '#000000' title " + Q(r.label, "reference label");
      }
    }
    return out;
  }

  /// Each series' notes where they hide nothing, in order of y (highest
  /// first: the accurate points are the ones read); one data block per
  /// series, in its colour. Returns the plot clauses.
  std::string ScatterNotes(const viz::Panel& panel, const ScatterFrame& f,
                           std::vector<Rect>& taken) {
    const Rect area{0, 0, ScatterFrame::kWidth, ScatterFrame::kHeight};
    const int points = BaseFont(format) - 4;
    struct Noted {
      size_t series;
      const Point* point;
    };
    std::vector<Noted> noted;
    for (size_t i = 0; i < panel.series.size(); ++i) {
      for (const auto& p : panel.series[i].points) {
        if (!p.note.empty()) noted.push_back({i, &p});
      }
    }
    std::stable_sort(noted.begin(), noted.end(), [](const Noted& a, const Noted& b) {
      return a.point->y > b.point->y || (a.point->y == b.point->y && a.point->x < b.point->x);
    });
    std::vector<std::vector<std::array<double, 2>>> xy(panel.series.size());
    std::vector<std::vector<std::string>> notes(panel.series.size());
    for (const auto& n : noted) {
      const double w = f.TextWidth(Glyphs(n.point->note), points), h = f.TextHeight(points);
      const auto spot = TakeFreeSpot(
          SpotsAround(f.X(n.point->x), f.Y(n.point->y), w, h, ScatterFrame::kMarkerRadius + 2),
          area, taken);
      if (!spot) continue;
      xy[n.series].push_back({f.DataX(spot->CenterX()), f.DataY(spot->CenterY())});
      notes[n.series].push_back(n.point->note);
    }
    std::string clauses;
    for (size_t i = 0; i < panel.series.size(); ++i) {
      if (xy[i].empty()) continue;
      clauses += ", \\\n     " + Source(Block(xy[i], notes[i])) +
                 " using 1:2:3 with labels center " + Font(format, -4) + " " +
                 TextColor(panel.series[i]) + " notitle";
    }
    return clauses;
  }

  /// The key: the panel's own entries (colour and shape explained once),
  /// then the staircases; or, without entries, every series' title.
  std::string ScatterKey(const viz::Panel& panel, double marker_size) const {
    std::string clauses;
    const auto& palette = Palette();
    for (const auto& e : panel.key) {
      const std::string color = palette[static_cast<size_t>(e.color) % palette.size()];
      clauses += ", \\\n     keyentry with points " +
                 (e.marker ? "pt " + std::to_string(PointType(*e.marker, e.hollow)) + " ps " +
                                 Num(marker_size) + " lw 2 lc rgb '" + color + "'"
                           : std::string("pt 7 ps 0 lc rgb '#ffffff'")) +
                 " title " + Q(e.title, "key entry");
    }
    if (panel.key.empty()) return clauses;
    for (const auto& s : panel.series) {
      if (!s.staircase) continue;
      clauses += ", \\\n     keyentry with lines lw 3 dt " + std::to_string(s.dash) + " " +
                 Color(s) + " title " + Q(s.title, "series title");
    }
    return clauses;
  }

  void Scatter(const viz::Panel& panel) {
    const ScatterFrame f = Frame(panel);
    script += "set lmargin at screen " + Num(ScatterFrame::kLeft) + "; set rmargin at screen " +
              Num(ScatterFrame::kRight) + "\nset bmargin at screen " + Num(ScatterFrame::kBottom) +
              "; set tmargin at screen " + Num(ScatterFrame::kTop) + "\n";
    if (panel.log_x) script += "set logscale x 10\n";
    script += "set xrange [" + Num(f.x0) + ":" + Num(f.x1) + "]\nset yrange [" + Num(f.y0) + ":" +
              Num(f.y1) + "]\n";
    script +=
        "set xtics nomirror\nset ytics nomirror\nset grid xtics ytics lc rgb '#dddddd' lw 1 dt "
        "1\nset border 3\n";
    script += "set key at screen " + Num(ScatterFrame::kRight + 0.02) + ", screen " +
              Num(ScatterFrame::kTop) +
              " left top vertical Left reverse samplen 1.5 spacing 1.15 " + Font(format, -3) + "\n";
    // Every marker and line is an obstacle for text; reference labels go
    // first (a line without its label is a riddle), then the notes.
    std::vector<Rect> taken = LineBoxes(panel, f);
    for (const auto& s : panel.series) {
      if (s.staircase) continue;
      for (const auto& p : s.points) {
        taken.push_back(MarkerBox(f.X(p.x), f.Y(p.y), ScatterFrame::kMarkerRadius));
      }
    }
    const ReferenceClauses references = ScatterReferences(panel, f, taken);
    // Lines first, so that markers are drawn over them.
    std::string plot = "plot NaN notitle" + references.lines;
    const bool own_key = !panel.key.empty();
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& s : panel.series) {
        if (s.points.empty() || s.staircase != (pass == 0)) continue;
        std::vector<std::array<double, 2>> xy;
        for (const auto& p : s.points) xy.push_back({p.x, p.y});
        if (s.staircase) std::sort(xy.begin(), xy.end());
        const int b = Block(xy, std::vector<std::string>(xy.size()));
        const std::string title = own_key ? "notitle" : "title " + Q(s.title, "series title");
        plot += ", \\\n     " + Source(b) + " using 1:2 " +
                (s.staircase ? "with fsteps lw 3 dt " + std::to_string(s.dash)
                             : "with points pt " + std::to_string(PointType(s.marker, s.hollow)) +
                                   " ps " + Num(f.marker_size) + " lw 2") +
                " " + Color(s) + " " + title;
      }
    }
    script += plot + ScatterNotes(panel, f, taken) + ScatterKey(panel, f.marker_size) +
              references.key + "\n";
  }

  void Lines(const viz::Panel& panel) {
    if (!panel.categories.empty()) {
      script +=
          "set xrange [-0.3:" + Num(static_cast<double>(panel.categories.size()) - 0.7) + "]\n";
      script += "set xtics " + CategoryTics(panel.categories, false) + " nomirror\n";
    } else {
      script += "set xtics nomirror\nset offsets graph 0.04, graph 0.12, graph 0.05, graph 0.05\n";
      if (panel.x_tic_step) script += "set xtics " + Num(*panel.x_tic_step) + "\n";
    }
    if (panel.log_x) script += "set logscale x 2\n";
    if (panel.categories.empty()) script += "set autoscale xfix\n";
    if (panel.x_divider) {
      script += "set arrow from first " + Num(*panel.x_divider) + ", graph 0 to first " +
                Num(*panel.x_divider) + ", graph 1 nohead lc rgb '#888888' dt 3 lw 2 back\n";
    }
    if (panel.y_min || panel.y_max) {
      script += "set yrange [" + (panel.y_min ? Num(*panel.y_min) : std::string("*")) + ":" +
                (panel.y_max ? Num(*panel.y_max) : std::string("*")) + "]\n";
    }
    script += "set ytics nomirror\nset grid xtics ytics lc rgb '#dddddd' lw 1 dt 1\nset border 3\n";
    if (panel.key_place == viz::Panel::KeyPlace::kBelow) {
      // Under the x label, in the room KeyBelowMargins leaves; up to three
      // rows, then columns.
      script +=
          "set key at graph 0.5, graph -0.3 center top horizontal maxrows 3 reverse Left box "
          "lc rgb '#bbbbbb' samplen 2 " +
          Font(format, -2) + "\n";
    } else {
      const char* place = panel.key_place == viz::Panel::KeyPlace::kBottomLeft  ? "bottom left"
                          : panel.key_place == viz::Panel::KeyPlace::kTopCenter ? "top center"
                                                                                : "bottom right";
      script += std::string("set key ") + place + " opaque box lc rgb '#bbbbbb' samplen 2.5 " +
                Font(format, -2) + "\n";
    }
    const std::vector<double> lift = NoteLifts(panel);
    std::string plot = "plot ";
    for (size_t i = 0; i < panel.series.size(); ++i) {
      const auto& s = panel.series[i];
      std::vector<std::array<double, 2>> xy;
      std::vector<std::string> notes;
      for (const auto& p : s.points) {
        xy.push_back({p.x, p.y});
        notes.push_back(p.note);
      }
      if (xy.empty()) continue;
      const int b = Block(xy, notes);
      const std::string note_y = lift[i] == 0 ? "2" : "($2 + " + Num(lift[i]) + ")";
      plot += std::string(plot.size() > 5 ? ", \\\n     " : "") + Source(b) +
              " using 1:2 with linespoints lw 3 pt 7 ps 1.3 dt " + std::to_string(s.dash) + " " +
              Color(s) + " title " + Q(s.title, "series title") + ", \\\n     " + Source(b) +
              " using 1:" + note_y + ":3 with labels left offset 0.8,0 " + Font(format, -4) + " " +
              TextColor(s) + " notitle";
    }
    script += plot + ReferencePlot(panel) + "\n";
  }
};

}  // namespace

const std::vector<std::string>& Palette() {
  static const std::vector<std::string> kOkabeIto = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                     "#CC79A7", "#56B4E9", "#F0E442", "#000000"};
  return kOkabeIto;
}

ImageFormat ImageFormatFor(const std::filesystem::path& out) {
  std::string ext = out.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == ".svg") return ImageFormat::kSvg;
  if (ext == ".png") return ImageFormat::kPng;
  if (ext == ".pdf") return ImageFormat::kPdf;
  throw Error("--out " + out.string() + ": the figure's name must end in .svg, .png or .pdf");
}

std::string GnuplotQuote(std::string_view text, std::string_view what) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02x", u);
      std::string shown(text.substr(0, 40));
      for (char& s : shown) s = static_cast<unsigned char>(s) < 0x20 || s == 0x7f ? '?' : s;
      throw Error(std::string(what) + " '" + shown + "...' holds a control character (" + code +
                  "); a gnuplot script cannot carry it safely");
    }
  }
  // gnuplot 5.4 reads '''a' as '' and a stray a': quotes that open the text
  // go in a double-quoted prefix instead ("'" holds nothing gnuplot expands),
  // joined by the . operator, which every string context accepts.
  const size_t quotes = std::min(text.find_first_not_of('\''), text.size());
  std::string out = "'";
  for (char c : text.substr(quotes)) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += "'";
  if (quotes == 0) return out;
  return "(\"" + std::string(quotes, '\'') + "\" . " + out + ")";
}

GnuplotFiles BuildGnuplot(const Figure& figure, ImageFormat format, const std::string& image_name,
                          const std::string& data_name, const std::string& about) {
  Builder b{format, data_name, {}, {}, 0};
  b.script = "# " + Q(about, "figure description") +
             "\n# Written by labq; restyle freely, then run `gnuplot` on this file in its folder.\n"
             "# Palette: Okabe-Ito (colour-blind safe). Data: " +
             Q(data_name, "data file name") + " (index per series).\n";
  b.script += "set encoding utf8\n" + Terminal(format);
  b.script += "set output " + Q(image_name, "figure file name") + "\n";
  b.script +=
      "set termoption noenhanced\nset style fill solid 0.9 noborder\nset tics out\n"
      // Notes sit on white boxes so a reference line never runs through them.
      "set style textbox opaque noborder margins 2,2\n";
  const bool multi = figure.panels.size() > 1;
  const bool key_below =
      std::any_of(figure.panels.begin(), figure.panels.end(),
                  [](const Panel& p) { return p.key_place == Panel::KeyPlace::kBelow; });
  if (multi) {
    // With keys below, fixed margins give every panel the same plot area
    // whatever its key's size, and leave the bottom third for the keys.
    b.script += "set multiplot layout 1," + std::to_string(figure.panels.size()) +
                (key_below ? " margins 0.08,0.97,0.3,0.84 spacing 0.1,0" : "") + " title " +
                Q(figure.title, "figure title") + " " + Font(format, 4) + "\n";
  } else if (key_below) {
    b.script += "set bmargin at screen 0.3\n";
  }
  for (size_t i = 0; i < figure.panels.size(); ++i) {
    Panel panel = figure.panels[i];
    if (!multi && panel.title.empty()) panel.title = figure.title;
    b.AddPanel(panel);
  }
  if (multi) b.script += "unset multiplot\n";
  b.script += "set output\n";
  return {b.script, b.data};
}

}  // namespace labq::viz
