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
#include "jobs/dpu_rtl.h"
#include "jobs/genus_flow.h"
#include "jobs/liberty.h"
#include "jobs/period_probe.h"
#include "jobs/script_quote.h"
#include "jobs/sim_job.h"
#include "jobs/step_store.h"
#include "jobs/template_render.h"
#include "jobs/vector_power.h"
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

/// What one OpenSTA run reports: timing (report_checks) and/or power.
struct StaReports {
  bool timing = true;
  bool power = true;
};

/// Runs OpenSTA on netlist.v as step `step`, writing <step>_checks.rpt and/or
/// <step>_power.rpt.
void RunSta(const JobContext& context, const DpuParams& params, StepRunner& runner,
            const StagedLiberty& liberty, double period_ns, const std::string& step,
            StaReports reports, const StepOptions& options) {
  kainjow::mustache::data d;
  const std::string script = step + ".tcl";
  d.set("top", params.Design().ModuleName());
  d.set("script", script);
  d.set("liberty", TclWord(LinkStagedLiberty(liberty, context.dir)));
  d.set("period_ns", FormatNs(period_ns));
  d.set("input_delay_ns", FormatNs(params.input_delay_ns));
  d.set("output_delay_ns", FormatNs(params.output_delay_ns));
  if (params.toggle_rate) d.set("toggle_rate", FormatNs(*params.toggle_rate));
  d.set("timing", reports.timing);
  d.set("power", reports.power);
  d.set("checks_report", step + "_checks.rpt");
  d.set("power_report", step + "_power.rpt");
  d.set("cells_report", step + "_cells.rpt");
  WriteFileAtomically(context.dir / script, RenderTemplate("yosys_sta/templates/sta.tcl.mustache",
                                                           templates::sta_tcl_mustache(), d));
  RunStepOrFail(runner, context, step, {"sta", "-no_splash", "-exit", script}, options);
}

/// A report OpenSTA wrote. It reports errors on stdout and still exits 0: a
/// missing report means it failed.
std::string ReadStaReport(const JobContext& context, const std::string& name) {
  const auto path = context.dir / name;
  if (!std::filesystem::exists(path)) {
    throw JobFailed("sta: OpenSTA wrote no " + name + "; see sta*.stdout");
  }
  return ReadFile(path.string());
}

ParsedReport ParseChecks(const JobContext& context, const std::string& name) {
  ParsedReport checks = yosys_sta::ParseOpenStaChecks(ReadStaReport(context, name), name);
  if (!checks.Has("slack")) throw JobFailed("sta: OpenSTA found no timing path (" + name + ")");
  return checks;
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

/// The open flow as steps, each reused from the step store when its own
/// inputs (StepKey material) are unchanged: yosys (RTL, liberty, delay
/// target, tool), sta_probe and timing (netlist, period, delays, liberty,
/// tool), power (the same plus the activity settings).
class OpenFlow {
 public:
  OpenFlow(const JobContext& context, const DpuParams& params, StepRunner& runner,
           const StagedLiberty& liberty)
      : context_(context),
        params_(params),
        runner_(runner),
        liberty_(liberty),
        store_(context.reuse_steps ? context.stage_dir / "steps" : std::filesystem::path()) {
    options_.timeout = StepTimeout(params.timeout_s);
  }

  /// Yosys: netlist.v and stat.rpt (restored or made); the parsed stat.
  ParsedReport Yosys(const std::string& verilog) {
    StepKey key{"yosys", Common()};
    key.material += ToolHash("yosys") + "\n";
    key.material += "templates=" +
                    Sha256Hex(std::string(templates::synth_ys_mustache()) +
                              std::string(templates::abc_script_mustache())) +
                    "\n";
    key.material += "rtl=" + Sha256OfFile(context_.dir / verilog) + "\n";
    key.material += "delay_target=" + DelayTarget() + "\n";
    RunOrReuseStep(store_, log_, key, context_.dir,
                   {"netlist.v", "stat.rpt", "yosys.stdout", "yosys.stderr"},
                   [&] { RunYosys(verilog); });
    netlist_ = "netlist=" + Sha256OfFile(context_.dir / "netlist.v") + "\n";
    return yosys_sta::ParseYosysStat(ReadFile((context_.dir / "stat.rpt").string()), "stat.rpt",
                                     params_.Design().ModuleName());
  }

  /// The sweep's clock period, or (auto) the critical period from a probe
  /// OpenSTA run at kProbePeriodNs.
  double AnalysisPeriodNs() {
    if (params_.clock_period_ns) return *params_.clock_period_ns;
    const StepKey key{"sta_probe", StaMaterial(kProbePeriodNs)};
    RunOrReuseStep(store_, log_, key, context_.dir, {"sta_probe_checks.rpt"}, [&] {
      RunSta(context_, params_, runner_, liberty_, kProbePeriodNs, "sta_probe",
             {.timing = true, .power = false}, options_);
    });
    const ParsedReport probe = ParseChecks(context_, "sta_probe_checks.rpt");
    const double period_ns = CriticalPeriodNs(kProbePeriodNs, probe.Get("slack"));
    if (period_ns <= 0) {
      throw JobFailed("sta_probe: critical path of " + FormatNs(period_ns) + " ns");
    }
    return period_ns;
  }

  /// Timing and power at `period_ns`: one OpenSTA run makes whichever of
  /// the two the store does not hold (with activity: vectors, OpenSTA only
  /// times and labq computes power, VectorPower).
  StaRun TimingAndPower(double period_ns) {
    const bool vectors = params_.activity == "vectors";
    const StepKey timing{"timing", StaMaterial(period_ns)};
    const StepKey power{"power", StaMaterial(period_ns) + "activity=" + ActivitySettings() + "\n"};
    const std::vector<std::string> timing_files = {"sta_checks.rpt", "sta_cells.rpt"};
    const std::vector<std::string> power_files = {"sta_power.rpt"};
    const bool have_timing = store_.Restore(timing, context_.dir, timing_files);
    const bool have_power = vectors || store_.Restore(power, context_.dir, power_files);
    if (!have_timing || !have_power) {
      RunSta(context_, params_, runner_, liberty_, period_ns, "sta",
             {.timing = !have_timing, .power = !have_power}, options_);
    }
    // Parse before saving: a report OpenSTA left incomplete is never stored.
    StaRun run;
    run.checks = ParseChecks(context_, "sta_checks.rpt");
    run.cells = yosys_sta::ParseOpenStaCellCounts(ReadStaReport(context_, "sta_cells.rpt"),
                                                  "sta_cells.rpt");
    Record(timing, have_timing, timing_files);
    if (vectors) {
      run.power = VectorPower(period_ns);
    } else {
      run.power =
          yosys_sta::ParseOpenStaPower(ReadStaReport(context_, "sta_power.rpt"), "sta_power.rpt");
      Record(power, have_power, power_files);
    }
    return run;
  }

  /// activity: vectors: the mapped netlist simulated on the job's vectors
  /// (activity step), then labq's power calculator on those toggles.
  ParsedReport VectorPower(double period_ns) {
    return labq::VectorPower(
        {context_, params_, runner_, liberty_, store_, log_, options_, netlist_}, period_ns,
        vector_extras_);
  }

  /// The vectors-only metrics and texts (power by cell class, cycles, seconds).
  const JobOutput& vector_extras() const { return vector_extras_; }
  const StepLog& log() const { return log_; }

 private:
  /// What every step depends on: the design's top and the liberty's content.
  std::string Common() const {
    return "top=" + params_.Design().ModuleName() + "\nliberty=" + liberty_.sha256 + "\n";
  }
  /// ABC's delay target in ps, or "auto" (ABC's own).
  std::string DelayTarget() const {
    return params_.clock_period_ns ? std::to_string(std::lround(*params_.clock_period_ns * 1000))
                                   : "auto";
  }
  /// An OpenSTA step's inputs at `period_ns` (activity aside).
  std::string StaMaterial(double period_ns) const {
    return Common() + ToolHash("sta") +
           "\ntemplate=" + Sha256Hex(std::string(templates::sta_tcl_mustache())) + "\n" + netlist_ +
           "period_ns=" + FormatNs(period_ns) +
           "\ninput_delay_ns=" + FormatNs(params_.input_delay_ns) +
           "\noutput_delay_ns=" + FormatNs(params_.output_delay_ns) + "\n";
  }
  /// The power step's activity inputs: "default" or "global 0.2".
  std::string ActivitySettings() const {
    return params_.toggle_rate ? "global " + FormatNs(*params_.toggle_rate) : params_.activity;
  }
  void Record(const StepKey& key, bool reused, const std::vector<std::string>& files) {
    if (reused) {
      log_.reused.push_back(key.step);
    } else {
      store_.Save(key, context_.dir, files);
      log_.run.push_back(key.step);
    }
  }

  /// Renders abc.script and synth.ys (toward the sweep's period, or ABC's
  /// own delay target when it is auto) and runs Yosys.
  void RunYosys(const std::string& verilog) {
    const DpuDesign design = params_.Design();
    kainjow::mustache::data abc;
    if (params_.clock_period_ns) abc.set("delay_ps", DelayTarget());
    const std::string abc_script = RenderTemplate("yosys_sta/templates/abc.script.mustache",
                                                  templates::abc_script_mustache(), abc);
    WriteFileAtomically(context_.dir / "abc.script", abc_script);
    const std::string linked = LinkStagedLiberty(liberty_, context_.dir);
    const AbcLiberty abc_liberty(context_.dir, linked);
    kainjow::mustache::data ys;
    ys.set("top", design.ModuleName());
    ys.set("verilog", YosysWord(verilog));
    ys.set("liberty", YosysWord(linked));
    ys.set("abc_liberty", YosysWord(abc_liberty.path()));
    ys.set("abc_script", InlineAbcScript(abc_script));
    WriteFileAtomically(context_.dir / "synth.ys",
                        RenderTemplate("yosys_sta/templates/synth.ys.mustache",
                                       templates::synth_ys_mustache(), ys));
    RunStepOrFail(runner_, context_, "yosys", {"yosys", "-s", "synth.ys"}, options_);
    for (const char* file : {"stat.rpt", "netlist.v"}) {
      if (!std::filesystem::exists(context_.dir / file)) {
        throw JobFailed(std::string("yosys: no ") + file + " written; see yosys.stdout");
      }
    }
  }

  const JobContext& context_;
  const DpuParams& params_;
  StepRunner& runner_;
  const StagedLiberty& liberty_;
  StepStore store_;
  StepLog log_;
  StepOptions options_;
  std::string netlist_;  ///< "netlist=<sha256>\n" once Yosys ran or was restored
  JobOutput vector_extras_;
};

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
  out.texts["activity"] = params.activity;
  out.texts["power_activity"] =
      params.activity == "vectors"
          ? "vectors: gate-level simulation of the mapped netlist, labq's power calculator"
      : params.toggle_rate ? "global toggle rate " + FormatNs(*params.toggle_rate)
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
  OpenFlow flow(context, params, runner, liberty);
  const ParsedReport stat = flow.Yosys(verilog);
  const double period_ns = flow.AnalysisPeriodNs();
  const StaRun sta = flow.TimingAndPower(period_ns);
  JobOutput out = SynthOutput(params, liberty, stat, sta, period_ns);
  for (const Metric& m : flow.vector_extras().metrics) out.Add(m.name, m.value, m.unit);
  for (const auto& [name, text] : flow.vector_extras().texts) out.texts[name] = text;
  out.texts["steps_run"] = StepLog::Join(flow.log().run);
  out.texts["steps_reused"] = StepLog::Join(flow.log().reused);
  return out;
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
  OpenFlow flow(context, params, runner, liberty);
  flow.Yosys(verilog);
  return flow.AnalysisPeriodNs();
}

std::optional<std::string> SynthJob::CacheInputs(const nlohmann::json& stored) const {
  const DpuParams params = DpuParams::From(stored);
  std::string inputs = DpuTemplateInputs(params.Design());
  if (!params.GeneratedRtl()) inputs += InputHash(params.rtl) + "\n";
  if (params.VectorsFromFile()) inputs += InputHash(params.vectors) + "\n";
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
      // OpenSTA's report_power groups, or labq's calculator (activity: vectors).
      {metric::kPowerSequential, "W", "dpu --breakdown: power_seq_mW, d_power_seq_mW"},
      {metric::kPowerCombinational, "W", "dpu --breakdown: power_comb_mW, d_power_comb_mW"},
      {metric::kFlopCount, "count", "dpu --breakdown: flops, d_flops"},
      {metric::kCombCellCount, "count", "dpu --breakdown: comb_cells, d_comb_cells"},
      // activity: vectors (jobs/vector_power.h).
      {metric::kActivityCycles, "count", ""},
      {metric::kActivitySeconds, "s", ""},
      {metric::kPowerCalcSeconds, "s", ""},
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
