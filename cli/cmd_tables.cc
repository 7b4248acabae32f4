/// Result commands: table, diff, export csv|metrics|lab2.

#include <cmath>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <set>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/lab2_export.h"
#include "common/error.h"
#include "common/file_util.h"
#include "results/codesign_table.h"
#include "results/dpu_table.h"
#include "results/qat_table.h"

namespace labq {
namespace {

Table BuildNamedTable(ResultStore& store, const std::string& which, std::optional<int64_t> sweep,
                      bool breakdown = false) {
  if (which == "dpu") return BuildDpuTable(store, sweep, {breakdown});
  if (breakdown) throw Error("table: --breakdown is for the dpu table");
  if (which == "qat") return BuildQatTable(store, sweep);
  if (which == "codesign") return BuildCodesignTable(store, sweep);
  throw Error("table: '" + which + "' is not one of dpu, qat, codesign");
}

struct ResultArgs {
  std::string which = "dpu";
  SweepArg sweep;
  TableArgs table;
  std::string out;
  bool long_format = false;
  bool breakdown = false;
  std::string a, b;
  std::vector<std::string> metrics;
  Lab2Student student;
};

/// Writes to --out when given (stderr says where), else stdout.
void Emit(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::cout << text;
    return;
  }
  WriteOutputFile(out, text);
  std::fprintf(stderr, "wrote %s\n", out.c_str());
}

/// Tells stderr which metrics successful jobs lack (the cells say n/a, or
/// are empty in CSV and JSON, so that stdout stays machine-readable).
/// Only the columns shown (`shown`; empty: all) are warned about.
void WarnMissingMetrics(const Table& table, const std::string& which,
                        const std::vector<std::string>& shown = {}) {
  Table marks;  // the columns and marks alone, cut like the rendered table
  marks.columns = table.columns;
  marks.missing = table.missing;
  if (!shown.empty()) marks = SelectColumns(marks, shown);
  for (const auto& line : MissingMetricNotes(marks, which)) {
    std::fprintf(stderr, "labq: warning: %s\n", line.c_str());
  }
}

/// The table, kept until the process ends: a table of 10,000 jobs is some
/// 250,000 small allocations, and freeing them one by one took 15 to 30 ms,
/// more than a tenth of the command; the exit returns the memory at once.
/// (Reachable from here, so a leak checker does not count it.)
const Table& KeepUntilExit(Table table) {
  static auto* kept = new std::deque<Table>();  // never destroyed, on purpose
  return kept->emplace_back(std::move(table));
}

int CmdTable(const std::string& db_path, const ResultArgs& a) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  const Table& table =
      KeepUntilExit(BuildNamedTable(store, a.which, ResolveSweepArg(store, a.sweep), a.breakdown));
  Emit(Render(table, a.table.Options()), a.out);
  WarnMissingMetrics(table, a.which, a.table.Options().columns);
  return 0;
}

int CmdExportCsv(const std::string& db_path, const ResultArgs& a) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  auto sweep = ResolveSweepArg(store, a.sweep);
  if (!sweep) throw Error("export csv: --sweep is required");
  RenderOptions options{TableFormat::kCsv, a.table.precision, {}};
  const Table table = BuildNamedTable(store, a.which, sweep);
  Emit(Render(table, options), a.out);
  WarnMissingMetrics(table, a.which);
  return 0;
}

/// "epoch_3.acc8" -> (3, "acc8"); other names -> (nullopt, name).
std::pair<std::optional<int>, std::string> SplitEpoch(const std::string& name) {
  int epoch = 0;
  int consumed = 0;
  if (std::sscanf(name.c_str(), "epoch_%d.%n", &epoch, &consumed) == 1 && consumed > 0) {
    return {epoch, name.substr(consumed)};
  }
  return {std::nullopt, name};
}

/// One row per (job, metric): every parameter as a column, per-epoch values
/// with their epoch, for pandas, R or a spreadsheet's pivot table.
int CmdExportMetrics(const std::string& db_path, const ResultArgs& a) {
  if (!a.long_format) throw Error("export metrics: only the long form exists; add --long");
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  const auto jobs = store.Jobs(ResolveSweepArg(store, a.sweep));
  std::set<std::string> param_names;
  for (const auto& job : jobs) {
    for (const auto& [k, v] : job.params.items()) param_names.insert(k);
  }
  Table t;
  t.columns = {{"job_id", ""},   {"job", ""},  {"sweep", ""},
               {"sweep_id", ""}, {"kind", ""}, {"state", ""}};
  for (const auto& p : param_names) t.columns.push_back({p, ""});
  for (const char* c : {"metric", "epoch", "value", "unit"}) t.columns.push_back({c, ""});
  for (const auto& job : jobs) {
    for (const auto& m : store.Metrics(job.id)) {
      std::vector<nlohmann::json> row = {job.id,       job.name, job.sweep_name,
                                         job.sweep_id, job.kind, ToString(job.state)};
      for (const auto& p : param_names) {
        const auto v = job.params.value(p, nlohmann::json());
        row.push_back(v.is_array() || v.is_object() ? nlohmann::json(v.dump()) : v);
      }
      const auto [epoch, metric] = SplitEpoch(m.name);
      row.push_back(metric);
      row.push_back(epoch ? nlohmann::json(*epoch) : nlohmann::json());
      row.push_back(m.value);
      row.push_back(m.unit);
      t.AddRow(std::move(row));
    }
  }
  RenderOptions options = a.table.Options();
  if (a.table.format == "table") options.format = TableFormat::kCsv;  // for tools by default
  Emit(Render(t, options), a.out);
  return 0;
}

/// Per kind, the parameters whose value differs between jobs of one sweep:
/// the sweep's axes. Jobs of two sweeps match on these.
std::map<std::string, std::set<std::string>> Axes(const std::vector<JobRecord>& jobs) {
  std::map<std::string, std::map<std::string, std::set<std::string>>> seen;
  for (const auto& job : jobs) {
    for (const auto& [k, v] : job.params.items()) seen[job.kind][k].insert(v.dump());
  }
  std::map<std::string, std::set<std::string>> axes;
  for (const auto& [kind, keys] : seen) {
    for (const auto& [k, values] : keys) {
      if (values.size() > 1) axes[kind].insert(k);
    }
  }
  return axes;
}

std::string MatchKey(const JobRecord& job, const std::set<std::string>& axes) {
  nlohmann::json key = nlohmann::json::object();
  for (const auto& k : axes) key[k] = job.params.value(k, nlohmann::json());
  return job.kind + " " + key.dump();
}

std::string Describe(const JobRecord& job, const std::set<std::string>& axes) {
  std::string out = job.kind;
  for (const auto& k : axes) {
    const auto v = job.params.value(k, nlohmann::json());
    out += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

int CmdDiff(const std::string& db_path, const ResultArgs& a) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  ResultStore& store = *reader;
  const SweepInfo sa = ResolveSweep(store, a.a), sb = ResolveSweep(store, a.b);
  const auto ja = store.Jobs(sa.id), jb = store.Jobs(sb.id);
  auto axes = Axes(ja);
  for (const auto& [kind, keys] : Axes(jb)) axes[kind].insert(keys.begin(), keys.end());
  // What the two sweeps hold fixed but differently: the point of the comparison.
  std::map<std::string, std::pair<std::string, std::string>> changed;
  for (const auto& x : ja) {
    for (const auto& y : jb) {
      if (x.kind != y.kind) continue;
      for (const auto& [k, v] : x.params.items()) {
        if (axes[x.kind].count(k) || !y.params.contains(k) || y.params[k] == v) continue;
        changed[k] = {v.dump(), y.params[k].dump()};
      }
    }
  }
  const std::string label_a = sa.name + "@" + std::to_string(sa.id);
  const std::string label_b = sb.name + "@" + std::to_string(sb.id);
  std::fprintf(stderr, "A = %s, B = %s", label_a.c_str(), label_b.c_str());
  for (const auto& [k, v] : changed) {
    std::fprintf(stderr, "; %s: %s -> %s", k.c_str(), v.first.c_str(), v.second.c_str());
  }
  std::fprintf(stderr, "\n");
  std::map<std::string, const JobRecord*> by_key;
  for (const auto& y : jb) by_key[MatchKey(y, axes[y.kind])] = &y;
  const std::set<std::string> wanted(a.metrics.begin(), a.metrics.end());
  Table t;
  t.columns = {{"match", ""}, {"metric", ""}, {"unit", ""},      {"A", ""},
               {"B", ""},     {"delta", ""},  {"delta_pct", "%"}};
  std::set<std::string> matched;
  for (const auto& x : ja) {
    const std::string key = MatchKey(x, axes[x.kind]);
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      t.AddRow({Describe(x, axes[x.kind]), "(only in A)", nullptr, ToString(x.state), nullptr,
                nullptr, nullptr});
      continue;
    }
    matched.insert(key);
    std::map<std::string, MetricRecord> mb;
    for (const auto& m : store.Metrics(it->second->id)) mb[m.name] = m;
    for (const auto& m : store.Metrics(x.id)) {
      if (!wanted.empty() && !wanted.count(m.name)) continue;
      auto other = mb.find(m.name);
      if (other == mb.end()) continue;
      const double d = other->second.value - m.value;
      nlohmann::json pct =
          m.value != 0 ? nlohmann::json(100.0 * d / std::fabs(m.value)) : nlohmann::json();
      t.AddRow({Describe(x, axes[x.kind]), m.name, m.unit, m.value, other->second.value, d, pct});
    }
  }
  for (const auto& y : jb) {
    if (!matched.count(MatchKey(y, axes[y.kind]))) {
      t.AddRow({Describe(y, axes[y.kind]), "(only in B)", nullptr, nullptr, ToString(y.state),
                nullptr, nullptr});
    }
  }
  Emit(Render(t, a.table.Options()), a.out);
  return 0;
}

}  // namespace

void AddResultCommands(CLI::App& app, CliContext& ctx) {
  auto t = std::make_shared<ResultArgs>();
  auto* table = app.add_subcommand("table", "print a result table");
  table
      ->add_option(
          "which", t->which,
          "dpu|qat|codesign (codesign: hw_eval accuracy beside the network's OPS/W on its DPU: "
          "the DPU's OPS/W x utilization, MACs / (DPU calls x N); dpu_OPS_per_W is "
          "the DPU's own)")
      ->required();
  AddSweepOptions(table, t->sweep, "only this sweep (default: all)");
  AddTableOptions(table, t->table);
  table->add_option("--out", t->out, "write to this file instead of stdout");
  table->add_flag("--breakdown", t->breakdown,
                  "dpu: add flops, combinational cells, sequential/combinational power and "
                  "each mode's deltas against full of the same N");
  table->callback([&ctx, t] { ctx.exit_code = CmdTable(ctx.db, *t); });

  auto d = std::make_shared<ResultArgs>();
  auto* diff = app.add_subcommand(
      "diff", "two sweeps side by side: jobs matched by parameters, metric deltas and %");
  diff->add_option("a", d->a, "sweep A (NAME, ID, NAME@ID)")->required();
  diff->add_option("b", d->b, "sweep B (NAME, ID, NAME@ID)")->required();
  diff->add_option("--metric", d->metrics, "only these metrics (repeatable)");
  AddTableOptions(diff, d->table);
  diff->add_option("--out", d->out, "write to this file instead of stdout");
  diff->callback([&ctx, d] { ctx.exit_code = CmdDiff(ctx.db, *d); });

  auto* export_cmd = app.add_subcommand("export", "write results for slides and spreadsheets");
  export_cmd->require_subcommand(1);
  auto c = std::make_shared<ResultArgs>();
  auto* export_csv = export_cmd->add_subcommand("csv", "RFC 4180 CSV of a table");
  AddSweepOptions(export_csv, c->sweep, "the sweep (required)");
  export_csv->add_option("--out", c->out, "output file")->required();
  export_csv->add_option("--table", c->which, "dpu|qat|codesign");
  export_csv->add_option("--precision", c->table.precision, "significant digits (default 6)");
  export_csv->callback([&ctx, c] { ctx.exit_code = CmdExportCsv(ctx.db, *c); });

  auto m = std::make_shared<ResultArgs>();
  auto* export_metrics = export_cmd->add_subcommand(
      "metrics", "every metric of every job, one per row, with all parameters (--long)");
  AddSweepOptions(export_metrics, m->sweep, "only this sweep (default: all)");
  export_metrics->add_flag("--long", m->long_format, "one row per (job, metric)");
  AddTableOptions(export_metrics, m->table);
  export_metrics->add_option("--out", m->out, "output file (default stdout)");
  export_metrics->callback([&ctx, m] { ctx.exit_code = CmdExportMetrics(ctx.db, *m); });

  auto l = std::make_shared<ResultArgs>();
  auto* export_lab2 = export_cmd->add_subcommand("lab2", "the lab's Verilog files and tarballs");
  AddSweepOptions(export_lab2, l->sweep, "the sweep (required)");
  export_lab2->add_option("--uid", l->student.uid, "student UID")->required();
  export_lab2->add_option("--last", l->student.last, "last name")->required();
  export_lab2->add_option("--first", l->student.first, "first name")->required();
  export_lab2->add_option("--pin", l->student.pin, "PIN")->required();
  export_lab2->add_option("--out", l->out, "output folder")->required();
  export_lab2->callback([&ctx, l] {
    auto reader = ResultStore::OpenReadOnly(ctx.db);
    ResultStore& store = *reader;
    auto sweep = ResolveSweepArg(store, l->sweep);
    if (!sweep) throw Error("export lab2: --sweep is required");
    std::cout << ExportLab2(store, *sweep, l->student, l->out);
  });
}

}  // namespace labq
