#include "viz/plot_kinds.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "common/error.h"
#include "common/metric_names.h"
#include "results/dpu_table.h"
#include "results/job_state.h"
#include "results/qat_table.h"
#include "results/table.h"

namespace labq::viz {
namespace {

bool Finished(const std::string& state) { return IsSuccess(state); }

std::string Cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) return FormatNumber(v.get<double>(), 4);
  return v.dump();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

[[noreturn]] void NothingFinished(const SweepView& sweep, const std::string& what) {
  throw Error("sweep '" + sweep.name + "' (id " + std::to_string(sweep.id) + ") has no finished " +
              what + " yet: nothing to plot");
}

size_t ColumnIndex(const Table& t, const std::string& name, const std::string& option) {
  std::vector<std::string> names;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i].name == name) return i;
    names.push_back(t.columns[i].name);
  }
  throw Error(option + ": the dpu table has no column '" + name + "' (columns: " + Join(names) +
              ")");
}

/// Panel labels of the two figures of merit; other columns say name and unit.
void LabelDpuPanel(Panel& panel, const Column& column, const Scale& scale, const std::string& by) {
  // The y label names the quantity; a panel title would only repeat it.
  if (column.name == "OPS_per_W") {
    panel.ylabel = "energy efficiency (" + scale.prefix + "OPS/W)";
  } else if (column.name == "OPS_per_mm2") {
    panel.ylabel = "area efficiency (" + scale.prefix + "OPS/mm²)";
  } else {
    panel.ylabel =
        column.name + (column.unit.empty() ? "" : " (" + scale.prefix + column.unit + ")");
  }
  panel.xlabel = "N (dot-product length, elements) per " + by;
}

/// A key entry short enough for three to a line: "sm b4" for the dpu
/// table's "a8b4 sign-magnitude" ("a8b4 sm" where the sweep's formats
/// differ in activation bits too), like the design names (dpu_sm_8_full_4).
std::string ShortFormat(const std::string& format, bool keep_a_bits) {
  const size_t space = format.find(' ');
  const size_t b = format.find('b');
  if (space == std::string::npos || b == std::string::npos || b > space) return format;
  std::string kind = format.substr(space + 1);
  if (kind == "sign-magnitude") kind = "sm";
  return kind + " " + (keep_a_bits ? format.substr(0, space) : format.substr(b, space - b));
}

/// The index of `value` in `values`, appended first when absent: series and
/// colours follow the order of first appearance.
size_t IndexOf(std::vector<std::string>& values, const std::string& value) {
  const auto it = std::find(values.begin(), values.end(), value);
  if (it != values.end()) return static_cast<size_t>(it - values.begin());
  values.push_back(value);
  return values.size() - 1;
}

/// "-0.71" with a true minus sign, for notes on a slide.
std::string Signed(double v, int decimals) {
  std::string s = FormatFixed(std::fabs(v), decimals);
  return (v < 0 ? "\u2212" : "+") + s;
}

}  // namespace

Scale ScaleFor(double max_value) {
  static const char* kPrefix[] = {"", "k", "M", "G", "T", "P"};
  int group = 0;
  while (group < 5 && max_value >= std::pow(1000.0, group + 1)) ++group;
  return {std::pow(1000.0, group), kPrefix[group]};
}

Figure DpuFigure(ResultStore& store, const PlotRequest& request, const SweepView& sweep) {
  const Table t = BuildDpuTable(store, sweep.id);
  const std::string by = request.by.empty() ? "mode" : request.by;
  const size_t by_col = ColumnIndex(t, by, "--by");
  const size_t n_col = t.Index("N"), job_col = t.Index("job"), state_col = t.Index("state");
  std::vector<size_t> metric_cols;
  if (request.y.empty()) {
    metric_cols = {t.Index("OPS_per_W"), t.Index("OPS_per_mm2")};
  } else {
    metric_cols = {ColumnIndex(t, request.y, "--y")};
  }
  // Rows that finished with the figures of merit.
  std::vector<const std::vector<nlohmann::json>*> rows;
  for (const auto& row : t.rows) {
    if (!Finished(row[state_col].get<std::string>())) continue;
    bool have = true;
    for (size_t c : metric_cols) have = have && row[c].is_number();
    if (have) rows.push_back(&row);
  }
  if (rows.empty()) NothingFinished(sweep, "synth jobs with " + t.columns[metric_cols[0]].name);
  // A sweep whose designs differ in more than N and mode (the co-design
  // sweep: sign-magnitude DPUs with 8- and 4-bit weights beside the lab's
  // unsigned ones) gets a series per mode and format unless --by says
  // otherwise; the lab's own sweep (one format) keeps a series per mode.
  const size_t format_col = t.Index("format");
  std::vector<std::string> formats;
  for (const auto* row : rows) IndexOf(formats, Cell((*row)[format_col]));
  const bool per_format = request.by.empty() && formats.size() > 1;
  bool same_a_bits = true;
  for (const auto& f : formats)
    same_a_bits =
        same_a_bits && f.substr(0, f.find('b')) == formats[0].substr(0, formats[0].find('b'));
  auto group_of = [&](const std::vector<nlohmann::json>& row) {
    const std::string g = Cell(row[by_col]);
    return per_format ? g + " " + ShortFormat(Cell(row[format_col]), !same_a_bits) : g;
  };
  std::set<int64_t> ns;
  std::vector<std::string> groups, by_values;
  std::vector<size_t> group_colour;  ///< each group's --by value (per format: its colour)
  std::vector<size_t> group_format;  ///< each group's format: its fill
  std::map<std::pair<std::string, int64_t>, std::string> seen;
  for (const auto* row : rows) {
    const int64_t n = (*row)[n_col].get<int64_t>();
    const std::string g = group_of(*row);
    ns.insert(n);
    if (IndexOf(groups, g) == group_colour.size()) {
      group_colour.push_back(IndexOf(by_values, Cell((*row)[by_col])));
      group_format.push_back(IndexOf(formats, Cell((*row)[format_col])));
    }
    const std::string job = (*row)[job_col].get<std::string>();
    auto [it, fresh] = seen.emplace(std::make_pair(g, n), job);
    if (!fresh) {
      throw Error("plot dpu: jobs " + it->second + " and " + job +
                  " both have N=" + std::to_string(n) + " and " + by + "=" + g +
                  "; group them with --by COLUMN (e.g. --by liberty or --by job)");
    }
  }
  // Per format: the series of one colour (--by value) side by side.
  std::vector<size_t> group_order(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) group_order[g] = g;
  if (per_format) {
    std::stable_sort(group_order.begin(), group_order.end(), [&](size_t a, size_t b) {
      return std::pair(group_colour[a], group_format[a]) <
             std::pair(group_colour[b], group_format[b]);
    });
  }
  const std::vector<int64_t> n_order(ns.begin(), ns.end());
  Figure figure;
  figure.title = "DPU efficiency per N, sweep " + sweep.name;
  for (size_t c : metric_cols) {
    double max_value = 0;
    for (const auto* row : rows) max_value = std::max(max_value, (*row)[c].get<double>());
    const Scale scale = ScaleFor(max_value);
    Panel panel;
    panel.style = PanelStyle::kBars;
    LabelDpuPanel(panel, t.columns[c], scale, by);
    if (per_format) panel.xlabel = "N (elements) per " + by + " and DPU format";
    for (int64_t n : n_order) panel.categories.push_back(std::to_string(n));
    for (size_t g : group_order) {
      Series s;
      s.title = groups[g];
      s.color = static_cast<int>(per_format ? group_colour[g] : g);
      s.fill = per_format ? static_cast<int>(std::min<size_t>(group_format[g], 2)) : 0;
      for (const auto* row : rows) {
        if (group_of(*row) != groups[g]) continue;
        const auto pos = std::find(n_order.begin(), n_order.end(), (*row)[n_col].get<int64_t>());
        const double v = (*row)[c].get<double>() / scale.factor;
        s.points.push_back({static_cast<double>(pos - n_order.begin()), v, FormatNumber(v, 3)});
      }
      panel.series.push_back(std::move(s));
    }
    figure.panels.push_back(std::move(panel));
  }
  return figure;
}

Figure QatFigure(ResultStore& store, const SweepView& sweep) {
  const Table t = BuildQatTable(store, sweep.id);
  const size_t result_col = t.Index("result"), acc_col = t.Index("accuracy_pct");
  const size_t delta_col = t.Index("vs_fp_points"), job_col = t.Index("job");
  std::vector<const std::vector<nlohmann::json>*> rows;
  std::map<std::string, int> label_count;
  for (const auto& row : t.rows) {
    if (!row[acc_col].is_number()) continue;
    rows.push_back(&row);
    ++label_count[row[result_col].get<std::string>()];
  }
  if (rows.empty()) NothingFinished(sweep, "qat jobs with an accuracy");
  // Colour by what the bar is: FP, 8-bit, 4-bit, or the naive cut.
  struct Class {
    const char* title;
    int color;
  };
  const Class kClasses[] = {
      {"floating point", 7}, {"8-bit", 0}, {"4-bit", 1}, {"naive 4-bit cut", 3}};
  auto class_of = [](const std::string& label) {
    if (label.find("FP") != std::string::npos) return 0;
    if (label.find("naive") != std::string::npos) return 3;
    if (label.find("8-bit") != std::string::npos) return 1;
    return 2;
  };
  Panel panel;
  panel.style = PanelStyle::kHBars;
  panel.xlabel = "test accuracy (%, top-1)";
  panel.y_min = 0;
  panel.y_max = 125;
  panel.value_tics = std::array<double, 3>{0, 20, 100};
  std::vector<Series> series(4);
  for (size_t k = 0; k < 4; ++k) {
    series[k].title = kClasses[k].title;
    series[k].color = kClasses[k].color;
  }
  for (const auto* row : rows) {
    std::string label = (*row)[result_col].get<std::string>();
    const double acc = (*row)[acc_col].get<double>();
    if (panel.references.empty() && class_of(label) == 0) {
      panel.references.push_back({acc, "FP baseline " + FormatFixed(acc, 2) + " %"});
    }
    std::string note = FormatFixed(acc, 2) + " %";
    if ((*row)[delta_col].is_number() && class_of(label) != 0) {
      note += " (" + Signed((*row)[delta_col].get<double>(), 2) + ")";
    }
    const int cls = class_of(label);
    if (label_count[label] > 1) label += " · " + (*row)[job_col].get<std::string>();
    series[static_cast<size_t>(cls)].points.push_back(
        {static_cast<double>(panel.categories.size()), acc, note});
    panel.categories.push_back(label);
  }
  for (auto& s : series) {
    if (!s.points.empty()) panel.series.push_back(std::move(s));
  }
  Figure figure;
  figure.title = "QAT accuracy vs the FP baseline, sweep " + sweep.name;
  figure.panels.push_back(std::move(panel));
  return figure;
}

Figure CurvesFigure(ResultStore& store, const SweepView& sweep) {
  static const std::regex kEpoch(R"(epoch_(\d+)\.(.+))");
  static const std::map<std::string, std::pair<std::string, int>> kAccuracy = {
      {metric::kAccFp, {"FP", 1}}, {metric::kAcc8, {"8-bit", 1}}, {metric::kAcc4, {"4-bit", 2}}};
  struct Curves {
    std::string who;
    bool pretrain = false;
    std::map<std::string, std::vector<std::pair<int, double>>> per_key;
  };
  std::vector<Curves> jobs;
  int finished = 0;
  int pretrain_epochs = 0;
  for (const auto& job : store.Jobs(sweep.id)) {
    if (job.kind != "qat" && job.kind != "pretrain") continue;
    if (!IsSuccess(job.state)) continue;
    ++finished;
    Curves c{job.kind == "pretrain" ? "pretrain" : job.params.value("mode", job.name),
             job.kind == "pretrain",
             {}};
    for (const auto& m : store.Metrics(job.id)) {
      std::smatch match;
      if (!std::regex_match(m.name, match, kEpoch)) continue;
      const int epoch = std::stoi(match[1]);
      c.per_key[match[2]].push_back({epoch, m.value});
      if (c.pretrain) pretrain_epochs = std::max(pretrain_epochs, epoch);
    }
    if (!c.per_key.empty()) jobs.push_back(std::move(c));
  }
  if (finished == 0) NothingFinished(sweep, "qat or pretrain jobs");
  if (jobs.empty()) {
    throw Error("sweep '" + sweep.name +
                "' stores no per-epoch metrics (epoch_N.acc8, epoch_N.loss, ...): curves need "
                "finished qat or pretrain jobs that trained at least one epoch");
  }
  Panel acc, loss;
  acc.title = "Test accuracy per epoch";
  loss.title = "Training loss per epoch";
  acc.ylabel = "test accuracy (%, top-1)";
  loss.ylabel = "mean cross-entropy loss";
  acc.x_tic_step = loss.x_tic_step = 1;
  // Under each panel: no corner of either stays free of curves (the naive
  // cut falls to the bottom left, a later-starting loss curve starts high).
  acc.key_place = loss.key_place = Panel::KeyPlace::kBelow;
  // QAT fine-tunes the pretrained network: its epochs follow pretraining's.
  acc.xlabel = loss.xlabel = pretrain_epochs > 0 ? "epoch (1–" + std::to_string(pretrain_epochs) +
                                                       " FP pretraining, then QAT)"
                                                 : "epoch";
  if (pretrain_epochs > 0) acc.x_divider = loss.x_divider = pretrain_epochs + 0.5;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const int offset = jobs[j].pretrain ? 0 : pretrain_epochs;
    for (auto& [key, points] : jobs[j].per_key) {
      std::sort(points.begin(), points.end());
      Series s;
      s.color = static_cast<int>(j);
      for (size_t i = 0; i < points.size(); ++i) {
        const bool last = i + 1 == points.size();
        // Final accuracies crowd each other (the qat figure has them); losses do not.
        const std::string note =
            last && key == "loss" ? FormatNumber(points[i].second, 3) : std::string();
        s.points.push_back({static_cast<double>(points[i].first + offset), points[i].second, note});
      }
      if (key == "loss") {
        s.title = jobs[j].who;
        loss.series.push_back(std::move(s));
      } else if (auto it = kAccuracy.find(key); it != kAccuracy.end()) {
        // A q8 job's 4-bit accuracy is its 8-bit codes cut without 4-bit training.
        s.title = jobs[j].who == "q8" && key == metric::kAcc4
                      ? "q8 naive 4-bit"
                      : jobs[j].who + " " + it->second.first;
        s.dash = it->second.second;
        acc.series.push_back(std::move(s));
      }
    }
  }
  Figure figure;
  figure.title = "Training curves, sweep " + sweep.name;
  if (!acc.series.empty()) figure.panels.push_back(std::move(acc));
  if (!loss.series.empty()) figure.panels.push_back(std::move(loss));
  return figure;
}

}  // namespace labq::viz
