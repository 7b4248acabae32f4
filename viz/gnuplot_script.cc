#include "viz/gnuplot_script.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/error.h"

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
  if (panel.reference) m = std::max(m, panel.reference->value);
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
    }
  }

  std::string Range(const viz::Panel& panel, double headroom) const {
    const double top = panel.y_max ? *panel.y_max : MaxValue(panel) * headroom;
    return "[" + (panel.y_min ? Num(*panel.y_min) : std::string("0")) + ":" +
           (top > 0 ? Num(top) : std::string("*")) + "]";
  }

  std::string ReferencePlot(const viz::Panel& panel) const {
    if (!panel.reference) return "";
    return ", NaN with lines lc rgb '#000000' dt 2 lw 2.5 title " +
           Q(panel.reference->label, "reference label");
  }

  void Bars(const viz::Panel& panel) {
    const size_t n = std::max<size_t>(1, panel.series.size());
    const double width = 0.8 / static_cast<double>(n);
    script += "set xrange [-0.6:" + Num(static_cast<double>(panel.categories.size()) - 0.4) + "]\n";
    script += "set xtics " + CategoryTics(panel.categories, false) + " nomirror scale 0\n";
    script += "set yrange " + Range(panel, 1.18) + "\nset ytics nomirror\n";
    if (panel.value_tics) {
      const auto& t = *panel.value_tics;
      script += "set ytics " + Num(t[0]) + ", " + Num(t[1]) + ", " + Num(t[2]) + "\n";
    }
    script += "set grid ytics lc rgb '#dddddd' lw 1 dt 1\nset border 3\n";
    script += "set boxwidth " + Num(width * 0.92) + " absolute\n";
    script += "set key outside top center horizontal samplen 1.5\n";
    if (panel.reference) {
      script += "set arrow from graph 0, first " + Num(panel.reference->value) +
                " to graph 1, first " + Num(panel.reference->value) +
                " nohead lc rgb '#000000' dt 2 lw 2.5 back\n";
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
              " using 1:2 with boxes fs solid 0.9 noborder " + Color(s) + " title " +
              Q(s.title, "series title") + ", \\\n     " + Source(b) +
              " using 1:2:3 with labels center offset 0,0.8 " + Font(format, -2) + " boxed notitle";
    }
    script += plot + ReferencePlot(panel) + "\n";
  }

  void HBars(const viz::Panel& panel) {
    const size_t k = panel.categories.size();
    // A free band above the top bar holds the reference line's key entry.
    const double band = panel.reference ? 0.6 : 0.0;
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
    if (panel.reference) {
      script += "set arrow from first " + Num(panel.reference->value) + ", graph 0 to first " +
                Num(panel.reference->value) +
                ", graph 1 nohead lc rgb '#000000' dt 2 lw 2.5 back\n";
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
