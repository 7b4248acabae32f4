/// `labq plot metric`: any metric of a sweep's finished jobs against any of
/// their parameters, one series per value of a grouping parameter.

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "common/error.h"
#include "results/job_state.h"
#include "results/table.h"
#include "viz/plot_kinds.h"

namespace labq::viz {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// Metric names for a message: per-epoch ones folded to epoch_<n>.NAME.
std::string KnownMetrics(const std::set<std::string>& names) {
  static const std::regex kEpoch(R"(epoch_(\d+)\.(.+))");
  std::set<std::string> plain, per_epoch;
  for (const auto& n : names) {
    std::smatch m;
    if (std::regex_match(n, m, kEpoch)) {
      per_epoch.insert("epoch_<n>." + m[2].str());
    } else {
      plain.insert(n);
    }
  }
  std::vector<std::string> all(plain.begin(), plain.end());
  all.insert(all.end(), per_epoch.begin(), per_epoch.end());
  return all.empty() ? "none" : Join(all);
}

/// A parameter's value as a category name.
std::string Word(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "(unset)";
  return v.dump();
}

struct Sample {
  const JobRecord* job;
  double value;
};

/// `name` of a job: a parameter, or the pseudo-columns kind, group and job.
nlohmann::json Attribute(const JobRecord& job, const std::string& name) {
  if (name == "kind") return job.kind;
  if (name == "group") return job.group;
  if (name == "job") return job.name;
  return job.params.value(name, nlohmann::json());
}

/// Parameters whose value differs between the samples' jobs.
std::vector<std::string> Varying(const std::vector<Sample>& samples) {
  std::map<std::string, std::set<std::string>> values;
  for (const auto& s : samples) {
    for (const auto& [k, v] : s.job->params.items()) values[k].insert(v.dump());
  }
  std::vector<std::string> out;
  for (const auto& [k, vs] : values) {
    size_t with = 0;
    for (const auto& s : samples) with += s.job->params.contains(k);
    if (vs.size() > 1 || (with > 0 && with < samples.size())) out.push_back(k);
  }
  return out;
}

void RequireAttribute(const std::string& name, const std::string& option,
                      const std::vector<Sample>& samples) {
  if (name == "kind" || name == "group" || name == "job") return;
  std::set<std::string> params;
  for (const auto& s : samples) {
    if (s.job->params.contains(name)) return;
    for (const auto& [k, v] : s.job->params.items()) params.insert(k);
  }
  throw Error(option + ": no job with this metric has a parameter '" + name +
              "' (parameters: " + Join({params.begin(), params.end()}) + "; or kind, group, job)");
}

}  // namespace

Figure MetricFigure(ResultStore& store, const PlotRequest& request, const SweepView& sweep) {
  std::vector<JobRecord> jobs;
  for (auto& job : store.Jobs(sweep.id)) {
    if (IsSuccess(job.state)) jobs.push_back(std::move(job));
  }
  if (jobs.empty()) {
    throw Error("sweep '" + sweep.name + "' (id " + std::to_string(sweep.id) +
                ") has no finished jobs yet: nothing to plot");
  }
  std::set<std::string> known;
  std::vector<Sample> samples;
  std::string unit;
  for (const auto& job : jobs) {
    for (const auto& m : store.Metrics(job.id)) {
      known.insert(m.name);
      if (m.name == request.y) {
        samples.push_back({&job, m.value});
        unit = m.unit;
      }
    }
  }
  if (request.y.empty()) {
    throw Error("plot metric: say which metric with --y METRIC (known: " + KnownMetrics(known) +
                ")");
  }
  if (samples.empty()) {
    throw Error("--y: no finished job of sweep '" + sweep.name + "' has a metric '" + request.y +
                "' (known: " + KnownMetrics(known) + ")");
  }
  std::string x = request.x, by = request.by;
  if (!x.empty()) RequireAttribute(x, "--x", samples);
  if (!by.empty()) RequireAttribute(by, "--by", samples);
  std::vector<std::string> varying = Varying(samples);
  std::erase_if(varying, [&](const std::string& k) { return k == by || k == x; });
  if (x.empty()) {
    // Prefer a numeric axis (n, epochs) to a word one (mode).
    auto numeric = std::find_if(varying.begin(), varying.end(), [&](const std::string& k) {
      return std::all_of(samples.begin(), samples.end(),
                         [&](const Sample& s) { return Attribute(*s.job, k).is_number(); });
    });
    x = numeric != varying.end() ? *numeric : (varying.empty() ? "job" : varying.front());
    std::erase(varying, x);
  }
  if (by.empty() && varying.size() == 1) by = varying.front();

  const bool numeric_x = std::all_of(samples.begin(), samples.end(), [&](const Sample& s) {
    return Attribute(*s.job, x).is_number();
  });
  Panel panel;
  panel.style = PanelStyle::kLines;
  panel.xlabel = x;
  panel.ylabel = request.y + (unit.empty() ? "" : "  (" + unit + ")");
  std::vector<std::string> categories;
  if (!numeric_x) {
    for (const auto& s : samples) {
      const std::string w = Word(Attribute(*s.job, x));
      if (std::find(categories.begin(), categories.end(), w) == categories.end())
        categories.push_back(w);
    }
    panel.categories = categories;
  } else {
    double lo = 0, hi = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      const double v = Attribute(*samples[i].job, x).get<double>();
      lo = i ? std::min(lo, v) : v;
      hi = i ? std::max(hi, v) : v;
    }
    panel.log_x = lo > 0 && hi / lo >= 32;
  }
  std::vector<std::string> groups;
  for (const auto& s : samples) {
    const std::string g = by.empty() ? request.y : Word(Attribute(*s.job, by));
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  const bool notes = samples.size() <= 24;
  for (size_t g = 0; g < groups.size(); ++g) {
    Series series;
    series.title = by.empty() ? groups[g] : by + " " + groups[g];
    series.color = static_cast<int>(g);
    for (const auto& s : samples) {
      if (!by.empty() && Word(Attribute(*s.job, by)) != groups[g]) continue;
      const auto xv = Attribute(*s.job, x);
      const double pos =
          numeric_x
              ? xv.get<double>()
              : static_cast<double>(std::find(categories.begin(), categories.end(), Word(xv)) -
                                    categories.begin());
      series.points.push_back({pos, s.value, notes ? FormatNumber(s.value, 4) : ""});
    }
    std::sort(series.points.begin(), series.points.end(),
              [](const Point& a, const Point& b) { return a.x < b.x; });
    panel.series.push_back(std::move(series));
  }
  Figure figure;
  figure.title = request.y + " against " + x + ", sweep " + sweep.name;
  figure.panels.push_back(std::move(panel));
  return figure;
}

}  // namespace labq::viz
