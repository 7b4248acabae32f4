/// `labq plot codesign`: the co-design table's rows as accuracy vs OPS/W,
/// the question a co-design student asks of a sweep at a glance: which DPU
/// configuration keeps the network accurate for how much energy efficiency.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/error.h"
#include "results/codesign_table.h"
#include "results/table.h"
#include "viz/plot_kinds.h"

namespace labq::viz {
namespace {

using Row = std::vector<nlohmann::json>;

std::string Text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "?";
  return v.dump();
}

/// Colour per output mode: the lab's three modes keep their colours
/// whichever a sweep lacks; another mode takes the next free one.
int ModeColor(const std::string& mode, std::vector<std::string>& others) {
  static const std::vector<std::string> kModes = {"full", "msb", "lsb"};
  const auto it = std::find(kModes.begin(), kModes.end(), mode);
  if (it != kModes.end()) return static_cast<int>(it - kModes.begin());
  auto o = std::find(others.begin(), others.end(), mode);
  if (o == others.end()) o = others.insert(others.end(), mode);
  return 3 + static_cast<int>(o - others.begin());
}

/// Shape per weight precision: 8-bit circles, 4-bit triangles, any other
/// (the sweep schema allows 8 and 4 only) squares.
Marker PrecisionMarker(const std::string& precision) {
  if (precision == "8") return Marker::kCircle;
  if (precision == "4") return Marker::kTriangle;
  return Marker::kSquare;
}

/// The sign-magnitude DPU takes signed weights in one call (filled); the
/// lab's unsigned DPU needs two (unsigned-split: open markers).
bool Hollow(const std::string& b_format) { return b_format != "sign-magnitude"; }

/// How the key names a DPU format: sign-magnitude is one call per chunk,
/// unsigned-split two (positive and negative weights).
std::string FormatWords(const std::string& b_format) {
  if (b_format == "unsigned-split") return "unsigned-split (2 calls)";
  return b_format;
}

std::string WeightsWords(const std::string& precision) { return precision + "-bit weights"; }
std::string Bits(const std::string& precision) { return precision + "-bit"; }

struct Columns {
  size_t n, mode, b_format, precision, accuracy, delta, ops_per_w, pareto;
  explicit Columns(const Table& t)
      : n(t.Index("N")),
        mode(t.Index("mode")),
        b_format(t.Index("b_format")),
        precision(t.Index("precision")),
        accuracy(t.Index("accuracy_pct")),
        delta(t.Index("delta_pts")),
        ops_per_w(t.Index("OPS_per_W")),
        pareto(t.Index("pareto")) {}
};

/// One dashed line per weight precision at the accuracy the same weights
/// reach with float activations (accuracy - delta, as the table has it);
/// several networks of one precision give one line each.
std::vector<ReferenceLine> FloatLines(const std::vector<const Row*>& rows, const Columns& c) {
  std::map<std::string, std::set<double>> by_precision;
  for (const Row* row : rows) {
    const auto& r = *row;
    if (!r[c.delta].is_number()) continue;
    const double value = r[c.accuracy].get<double>() - r[c.delta].get<double>();
    by_precision[Text(r[c.precision])].insert(std::round(value * 1e6) / 1e6);
  }
  std::vector<ReferenceLine> lines;
  int dash = 2;
  // Highest precision first: its line is the upper one.
  for (auto it = by_precision.rbegin(); it != by_precision.rend(); ++it, ++dash) {
    for (double v : it->second) {
      lines.push_back(
          {v, "float activations, " + Bits(it->first) + ": " + FormatFixed(v, 1) + " %", dash});
    }
  }
  return lines;
}

}  // namespace

Figure CodesignFigure(ResultStore& store, const SweepView& sweep) {
  const Table t = BuildCodesignTable(store, sweep.id);
  const std::string who = "sweep '" + sweep.name + "' (id " + std::to_string(sweep.id) + ")";
  if (t.rows.empty()) {
    throw Error(who +
                " has no hw_eval jobs: the codesign figure plots `labq table codesign`'s rows; "
                "add a `kind: hw_eval` group (configs/lab2_codesign.yaml, README \"Co-design\")");
  }
  const Columns c(t);
  std::vector<const Row*> rows;
  for (const auto& row : t.rows) {
    if (row[c.accuracy].is_number() && row[c.ops_per_w].is_number()) rows.push_back(&row);
  }
  if (rows.empty()) {
    throw Error(who +
                " has no finished hw_eval job with an accuracy and its synthesis job's "
                "OPS/W yet: nothing to plot (`labq table codesign` shows what is missing)");
  }
  double low = rows[0]->at(c.ops_per_w).get<double>(), high = low;
  double acc_low = 100, acc_high = 0;
  for (const Row* r : rows) {
    low = std::min(low, (*r)[c.ops_per_w].get<double>());
    high = std::max(high, (*r)[c.ops_per_w].get<double>());
    acc_low = std::min(acc_low, (*r)[c.accuracy].get<double>());
    acc_high = std::max(acc_high, (*r)[c.accuracy].get<double>());
  }
  const Scale scale = ScaleFor(high);
  Panel panel;
  panel.style = PanelStyle::kScatter;
  // The table's OPS_per_W is the network's: the DPU's x utilization (padding
  // and unsigned-split's second call are cycles without a useful MAC).
  panel.xlabel =
      "network's energy efficiency on the DPU (" + scale.prefix + "OPS/W = DPU's x utilization)";
  panel.ylabel = "test accuracy, every conv on the DPU (%)";
  // A log axis only when the points span more than a decade.
  panel.log_x = low > 0 && high / low > 10;
  panel.references = FloatLines(rows, c);
  for (const auto& r : panel.references) {
    acc_low = std::min(acc_low, r.value);
    acc_high = std::max(acc_high, r.value);
  }
  // Whole tens around the points, within 0-100 %, room above for labels.
  panel.y_min = std::max(0.0, std::floor((acc_low - 5) / 10) * 10);
  panel.y_max = std::min(100.0, std::ceil((acc_high + 8) / 10) * 10);
  std::vector<std::string> other_modes;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> series_of;
  Series front;
  front.title = "Pareto front (accuracy vs OPS/W)";
  front.color = 7;
  front.staircase = true;
  for (const Row* row : rows) {
    const auto& r = *row;
    const std::string mode = Text(r[c.mode]), precision = Text(r[c.precision]),
                      format = Text(r[c.b_format]);
    const auto key = std::make_tuple(mode, precision, format);
    auto it = series_of.find(key);
    if (it == series_of.end()) {
      Series s;
      s.title = mode + ", " + WeightsWords(precision) + ", " + FormatWords(format);
      s.color = ModeColor(mode, other_modes);
      s.marker = PrecisionMarker(precision);
      s.hollow = Hollow(format);
      panel.series.push_back(std::move(s));
      it = series_of.emplace(key, panel.series.size() - 1).first;
    }
    const Point p{r[c.ops_per_w].get<double>() / scale.factor, r[c.accuracy].get<double>(),
                  "N=" + Text(r[c.n])};
    panel.series[it->second].points.push_back(p);
    // The table's flag, not a front of our own: the figure shows the table.
    if (r[c.pareto] == "yes") front.points.push_back({p.x, p.y, ""});
  }
  std::sort(front.points.begin(), front.points.end(),
            [](const Point& a, const Point& b) { return a.x < b.x; });
  // The key explains colour and shape once each, not every combination.
  std::set<std::string> modes_seen;
  std::set<std::pair<std::string, std::string>> shapes_seen;
  std::vector<KeyEntry> colours{{"colour: output mode", std::nullopt, false, 7}};
  std::vector<KeyEntry> shapes{{"shape: weights, DPU format", std::nullopt, false, 7}};
  for (const auto& [key, index] : series_of) {
    const Series& s = panel.series[index];
    const auto& [mode, precision, format] = key;
    if (modes_seen.insert(mode).second) colours.push_back({mode, Marker::kCircle, false, s.color});
    if (shapes_seen.insert({precision, format}).second) {
      shapes.push_back({Bits(precision) + ", " + FormatWords(format), s.marker, s.hollow, 7});
    }
  }
  // Modes in the lab's order (full, msb, lsb), shapes 8-bit first.
  std::sort(colours.begin() + 1, colours.end(),
            [](const KeyEntry& a, const KeyEntry& b) { return a.color < b.color; });
  std::sort(shapes.begin() + 1, shapes.end(), [](const KeyEntry& a, const KeyEntry& b) {
    return std::make_pair(a.hollow, b.title) < std::make_pair(b.hollow, a.title);
  });
  panel.key = colours;
  panel.key.push_back({" ", std::nullopt, false, 7});  // a blank line
  panel.key.insert(panel.key.end(), shapes.begin(), shapes.end());
  if (!front.points.empty()) {
    panel.key.push_back({" ", std::nullopt, false, 7});  // a blank line
    panel.series.insert(panel.series.begin(), std::move(front));
  }
  Figure figure;
  figure.title = "Accuracy vs energy efficiency, sweep " + sweep.name;
  figure.panels.push_back(std::move(panel));
  return figure;
}

}  // namespace labq::viz
