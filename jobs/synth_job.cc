#include "jobs/synth_job.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common/file_util.h"
#include "common/metric_names.h"
#include "common/text.h"
#include "dpu/dpu_design.h"
#include "dpu/dpu_metrics.h"
#include "jobs/cache_key.h"
#include "jobs/clock_period.h"
#include "jobs/genus_flow.h"
#include "jobs/liberty.h"
#include "jobs/period_probe.h"
#include "jobs/script_quote.h"
#include "jobs/sim_job.h"
#include "jobs/template_render.h"
#include "labq_yosys_sta_templates.h"
#include "yosys_sta/opensta_cell_counts.h"
#include "yosys_sta/opensta_checks_report.h"
#include "yosys_sta/opensta_power_report.h"
#include "yosys_sta/yosys_stat_report.h"

namespace labq {
namespace {

struct StaRun {
  ParsedReport checks;
  ParsedReport power;
  ParsedReport cells;  ///< registers and cells, as the liberty classifies them
};

StaRun RunSta(const JobContext& context, const DpuParams& params, StepRunner& runner,
              const StagedLiberty& liberty, const DpuDesign& design, double period_ns,
              const std::string& step, const StepOptions& options) {
  kainjow::mustache::data d;
  const std::string script = step + ".tcl";
  d.set("top", design.ModuleName());
  d.set("script", script);
  d.set("liberty", TclWord(LinkStagedLiberty(liberty, context.dir)));
  d.set("period_ns", FormatNs(period_ns));
  d.set("input_delay_ns", FormatNs(params.input_delay_ns));
  d.set("output_delay_ns", FormatNs(params.output_delay_ns));
  if (params.toggle_rate) d.set("toggle_rate", FormatNs(*params.toggle_rate));
  const std::string checks_path = step + "_checks.rpt";
  const std::string power_path = step + "_power.rpt";
  const std::string cells_path = step + "_cells.rpt";
  d.set("checks_report", checks_path);
  d.set("power_report", power_path);
  d.set("cells_report", cells_path);
  WriteFileAtomically(context.dir / script, RenderTemplate("yosys_sta/templates/sta.tcl.mustache",
                                                           templates::sta_tcl_mustache(), d));
  RunStepOrFail(runner, context, step, {"sta", "-no_splash", "-exit", script}, options);
  // OpenSTA reports errors on stdout and still exits 0: a missing report means it failed.
  auto read_report = [&](const std::string& name) {
    const auto path = context.dir / name;
    if (!std::filesystem::exists(path)) {
      throw JobFailed(step + ": OpenSTA wrote no " + name + "; see " + step + ".stdout");
    }
    return ReadFile(path.string());
  };
  StaRun run;
  run.checks = yosys_sta::ParseOpenStaChecks(read_report(checks_path), checks_path);
  run.power = yosys_sta::ParseOpenStaPower(read_report(power_path), power_path);
  run.cells = yosys_sta::ParseOpenStaCellCounts(read_report(cells_path), cells_path);
  if (!run.checks.Has("slack")) {
    throw JobFailed(step + ": OpenSTA found no timing path (" + checks_path + ")");
  }
  return run;
}

/// The liberty path Yosys's `abc` hands ABC. Yosys makes it absolute with the
/// job directory and pastes it into an ABC script of its own, where `;` splits
/// commands, `"` ends the quoting and `{D}`-style placeholders are replaced; no
/// quoting survives that. So unless the job directory is plain, ABC gets a
/// link in a private, plainly named temporary folder, removed after Yosys.
class AbcLiberty {
 public:
  AbcLiberty(const std::filesystem::path& job_dir, const std::string& linked_name) {
    const auto absolute = std::filesystem::absolute(job_dir / linked_name);
    if (IsPlainWord(absolute.string())) {
      path_ = linked_name;
      return;
    }
    std::string pattern = "/tmp/labq-abc-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
      throw JobFailed(std::string("abc: cannot create a temporary folder: ") +
                      std::strerror(errno));
    }
    dir_ = pattern;
    std::error_code ec;
    std::filesystem::create_symlink(absolute, dir_ / "liberty.lib", ec);
    if (ec) throw JobFailed("abc: cannot link the liberty: " + ec.message());
    path_ = (dir_ / "liberty.lib").string();
  }
  ~AbcLiberty() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  AbcLiberty(const AbcLiberty&) = delete;
  AbcLiberty& operator=(const AbcLiberty&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

/// abc.script as Yosys's inline `-script +cmd;cmd` form (spaces as commas):
/// Yosys would otherwise hand ABC `source <job dir>/abc.script`, unquoted, and
/// the job directory may hold any character.
std::string InlineAbcScript(const std::string& script) {
  std::string out = "+";
  for (const auto& line : SplitLines(script)) {
    const auto command = std::string(Trim(line));
    if (command.empty() || command.front() == '#') continue;
    if (out.size() > 1) out += ';';
    for (char c : command) out += c == ' ' ? ',' : c;
  }
  // One Yosys word: no spaces, quotes or '#', and no ';' at its end.
  for (char c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && !Contains("+;,.-_", std::string(1, c))) {
      throw Error("abc.script: '" + std::string(1, c) + "' cannot go into an inline ABC script");
    }
  }
  return out;
}

}  // namespace

void SynthJob::Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const {
  ExpandDpu(config, /*verify=*/false, /*synth=*/true, names, sweep);
}

namespace {

/// Renders abc.script and synth.ys (toward the sweep's period, or ABC's own
/// delay target when it is auto) and runs Yosys; returns its stat report.
ParsedReport RunYosys(const JobContext& context, const DpuParams& params, StepRunner& runner,
                      const StagedLiberty& liberty, const std::string& verilog,
                      const StepOptions& options) {
  const DpuDesign design = params.Design();
  kainjow::mustache::data abc;
  if (params.clock_period_ns) {
    abc.set("delay_ps", std::to_string(std::lround(*params.clock_period_ns * 1000)));
  }
  const std::string abc_script = RenderTemplate("yosys_sta/templates/abc.script.mustache",
                                                templates::abc_script_mustache(), abc);
  WriteFileAtomically(context.dir / "abc.script", abc_script);
  const std::string linked = LinkStagedLiberty(liberty, context.dir);
  const AbcLiberty abc_liberty(context.dir, linked);
  kainjow::mustache::data ys;
  ys.set("top", design.ModuleName());
  ys.set("verilog", YosysWord(verilog));
  ys.set("liberty", YosysWord(linked));
  ys.set("abc_liberty", YosysWord(abc_liberty.path()));
  ys.set("abc_script", InlineAbcScript(abc_script));
  WriteFileAtomically(
      context.dir / "synth.ys",
      RenderTemplate("yosys_sta/templates/synth.ys.mustache", templates::synth_ys_mustache(), ys));
  RunStepOrFail(runner, context, "yosys", {"yosys", "-s", "synth.ys"}, options);
  if (!std::filesystem::exists(context.dir / "stat.rpt")) {
    throw JobFailed("yosys: no stat.rpt written; see yosys.stdout");
  }
  return yosys_sta::ParseYosysStat(ReadFile((context.dir / "stat.rpt").string()), "stat.rpt",
                                   design.ModuleName());
}

/// The sweep's clock period, or (auto) the critical period from a probe
/// OpenSTA run at kProbePeriodNs.
double AnalysisPeriodNs(const JobContext& context, const DpuParams& params, StepRunner& runner,
                        const StagedLiberty& liberty, const StepOptions& options) {
  if (params.clock_period_ns) return *params.clock_period_ns;
  StaRun probe = RunSta(context, params, runner, liberty, params.Design(), kProbePeriodNs,
                        "sta_probe", options);
  const double period_ns = CriticalPeriodNs(kProbePeriodNs, probe.checks.Get("slack"));
  if (period_ns <= 0) {
    throw JobFailed("sta_probe: critical path of " + FormatNs(period_ns) + " ns");
  }
  return period_ns;
}

/// The metrics (the names of common/metric_names.h) and texts of a finished
/// open-flow run.
JobOutput SynthOutput(const DpuParams& params, const StagedLiberty& liberty,
                      const ParsedReport& stat, const StaRun& sta, double period_ns) {
  SynthResult r;
  r.n = params.Design().n;
  r.period_ns = period_ns;
  r.slack_ns = sta.checks.Get("slack");
  r.area_um2 = stat.Get("area");
  r.power_w = sta.power.Get("total");
  JobOutput out;
  out.Add(metric::kClockPeriod, period_ns, "ns");
  out.Add(metric::kSlack, r.slack_ns, "ns");
  out.Add(metric::kArrival, sta.checks.Get("arrival"), "ns");
  out.Add(metric::kArea, r.area_um2, "um^2");
  out.Add(metric::kCellCount, stat.Get("cell_count"), "count");
  out.Add(metric::kPowerInternal, sta.power.Get("internal"), "W");
  out.Add(metric::kPowerSwitching, sta.power.Get("switching"), "W");
  out.Add(metric::kPowerLeakage, sta.power.Get("leakage"), "W");
  out.Add(metric::kPowerTotal, r.power_w, "W");
  // OpenSTA's groups split power by cell class (Clock, Macro, Pad are neither).
  for (const auto& [group, quantities] : sta.power.rows) {
    if (group == "Sequential") out.Add(metric::kPowerSequential, quantities.at("total").value, "W");
    if (group == "Combinational") {
      out.Add(metric::kPowerCombinational, quantities.at("total").value, "W");
    }
  }
  out.Add(metric::kFlopCount, sta.cells.Get("registers"), "count");
  out.Add(metric::kCombCellCount, sta.cells.Get("combinational"), "count");
  const DpuFigures figures = ComputeDpuFigures(r);
  out.Add(metric::kTimingMet, figures.timing_met ? 1 : 0, "bool");
  out.Add(metric::kFrequency, figures.frequency_hz, "Hz");
  out.Add(metric::kFmax, figures.fmax_hz, "Hz");
  out.Add(metric::kOps, figures.ops_per_s, "OPS");
  out.Add(metric::kOpsPerW, figures.ops_per_w, "OPS/W");
  out.Add(metric::kOpsPerMm2, figures.ops_per_mm2, "OPS/mm^2");
  for (const char* name : metric::kSynthDesignRules) {
    if (!sta.checks.Has(name)) continue;
    const Quantity& q = sta.checks.values.at(name);
    out.Add(name, q.value, q.unit.empty() ? "count" : q.unit);
  }
  out.texts["flow"] = params.flow == "genus"
                          ? "yosys-sta (genus not found; genus_fallback: yosys-sta)"
                          : "yosys-sta";
  out.texts["liberty"] = liberty.name;
  out.texts["liberty_path"] = liberty.source.string();
  out.texts["liberty_sha256"] = liberty.sha256;
  out.texts["startpoint"] =
      sta.checks.texts.count("startpoint") ? sta.checks.texts.at("startpoint") : "";
  out.texts["endpoint"] = sta.checks.texts.count("endpoint") ? sta.checks.texts.at("endpoint") : "";
  out.texts["power_activity"] = params.toggle_rate
                                    ? "global toggle rate " + FormatNs(*params.toggle_rate)
                                    : "OpenSTA default (0.1 toggles per clock on inputs)";
  out.texts["period_source"] = ClockSourceName(params.clock_source);
  return out;
}

/// One synthesis at the clock `params` say (auto-common: already resolved).
JobOutput RunFlow(const DpuParams& params, const JobContext& context, StepRunner& runner) {
  if (params.flow == "genus") {
    const bool have_genus = FindExecutable(params.genus_path).has_value();
    if (have_genus || params.genus_fallback != "yosys-sta") {
      return RunGenusFlow(params, context, runner);
    }
  }
  const std::string verilog = PlaceDpuVerilog(params, context.dir);
  const StagedLiberty liberty = StageJobLiberty(params.liberty, context);
  StepOptions options;
  options.timeout = StepTimeout(params.timeout_s);
  const ParsedReport stat = RunYosys(context, params, runner, liberty, verilog, options);
  const double period_ns = AnalysisPeriodNs(context, params, runner, liberty, options);
  const StaRun sta =
      RunSta(context, params, runner, liberty, params.Design(), period_ns, "sta", options);
  return SynthOutput(params, liberty, stat, sta, period_ns);
}

}  // namespace

JobOutput SynthJob::Run(const JobContext& context, StepRunner& runner) const {
  DpuParams params = DpuParams::From(context.params);
  const std::string peers = ResolveCommonClock(params, context.dependency_dirs);
  JobOutput out = RunFlow(params, context, runner);
  if (!peers.empty()) out.texts["period_peers"] = peers;
  return out;
}

double ProbeCriticalPeriodNs(const DpuParams& params, const JobContext& context,
                             StepRunner& runner) {
  if (params.clock_period_ns) throw JobFailed("a probe needs clock_period_ns: auto");
  if (params.flow == "genus" &&
      (FindExecutable(params.genus_path).has_value() || params.genus_fallback != "yosys-sta")) {
    return GenusCriticalPeriodNs(params, context, runner);
  }
  const std::string verilog = PlaceDpuVerilog(params, context.dir);
  const StagedLiberty liberty = StageJobLiberty(params.liberty, context);
  StepOptions options;
  options.timeout = StepTimeout(params.timeout_s);
  RunYosys(context, params, runner, liberty, verilog, options);
  return AnalysisPeriodNs(context, params, runner, liberty, options);
}

std::optional<std::string> SynthJob::CacheInputs(const nlohmann::json& stored) const {
  const DpuParams params = DpuParams::From(stored);
  std::string inputs;
  if (!params.GeneratedRtl()) inputs += InputHash(params.rtl) + "\n";
  inputs += InputHash(ResolveLiberty(params.liberty).string()) + "\n";
  if (params.flow == "genus") inputs += ToolHash(params.genus_path) + "\n";
  return inputs + ToolHash("yosys") + "\n" + ToolHash("sta") + "\n";
}

const std::vector<MetricSpec>& SynthMetrics() {
  static const std::vector<MetricSpec> metrics = {
      {metric::kClockPeriod, "ns", "dpu: period_ns"},
      {metric::kSlack, "ns", "dpu: slack_ns"},
      {metric::kArrival, "ns", ""},
      {metric::kArea, "um^2", "dpu: area_um2"},
      {metric::kCellArea, "um^2", ""},
      {metric::kCellCount, "count", ""},
      {metric::kPowerInternal, "W", ""},
      {metric::kPowerSwitching, "W", ""},
      {metric::kPowerLeakage, "W", ""},
      {metric::kPowerTotal, "W", "dpu: power_mW"},
      {metric::kPowerSequential, "W", "dpu --breakdown: power_seq_mW, d_power_seq_mW"},
      {metric::kPowerCombinational, "W", "dpu --breakdown: power_comb_mW, d_power_comb_mW"},
      {metric::kFlopCount, "count", "dpu --breakdown: flops, d_flops"},
      {metric::kCombCellCount, "count", "dpu --breakdown: comb_cells, d_comb_cells"},
      {metric::kTimingMet, "bool", "dpu: timing"},
      {metric::kFrequency, "Hz", "dpu: f_MHz"},
      {metric::kFmax, "Hz", "dpu: fmax_MHz"},
      {metric::kOps, "OPS", "dpu: OPS_per_s"},
      {metric::kOpsPerW, "OPS/W", "dpu: OPS_per_W"},
      {metric::kOpsPerMm2, "OPS/mm^2", "dpu: OPS_per_mm2"},
      // Written only when OpenSTA prints the summary (absent = clean).
      {metric::kMaxSlewViolations, "count", ""},
      {metric::kMaxSlewWorstSlack, "ns", ""},
      {metric::kMaxCapacitanceViolations, "count", ""},
      {metric::kMaxCapacitanceWorstSlack, "", ""},
      {metric::kMaxFanoutViolations, "count", ""},
      {metric::kMaxFanoutWorstSlack, "count", ""},
      {metric::kUnconstrainedEndpoints, "count", ""},
  };
  return metrics;
}

std::vector<MetricSpec> SynthJob::Metrics() const { return SynthMetrics(); }

}  // namespace labq
