#include "jobs/genus_flow.h"

#include <cmath>
#include <initializer_list>
#include <optional>
#include <regex>
#include <sstream>

#include "common/file_util.h"
#include "common/metric_names.h"
#include "common/text.h"
#include "dpu/dpu_design.h"
#include "dpu/dpu_metrics.h"
#include "genus/report_kind.h"
#include "jobs/clock_period.h"
#include "jobs/liberty.h"
#include "jobs/script_quote.h"
#include "jobs/sim_job.h"
#include "jobs/template_render.h"
#include "labq_genus_templates.h"

namespace labq {
namespace {

/// The sweep's own paths must be plain (defence in depth: the parser checks
/// them too); paths labq adds, such as the current directory, are quoted.
void RequireTclSafe(const std::string& what, const std::string& path) {
  static const std::regex safe("[A-Za-z0-9_./+-]+");
  if (!std::regex_match(path, safe)) {
    throw JobFailed(what + " '" + path +
                    "' has characters that are not safe in a TCL script (use letters, digits and "
                    "/ . _ - + only)");
  }
}

/// Genus says so in its log when no licence could be checked out; that is
/// worth a retry later, unlike a script error.
bool LogShowsLicenceFailure(const std::filesystem::path& dir) {
  static const std::regex licence(
      R"((could not|cannot|failed to|unable to) (check ?out|checkout|obtain)[^\n]*licen[cs]e|licen[cs]e[^\n]*(not available|unavailable|checkout failed))",
      std::regex::icase);
  for (const char* name : {"genus.stdout", "genus_logs/genus.log"}) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / name, ec)) continue;
    if (std::regex_search(ReadFile((dir / name).string()), licence)) return true;
  }
  return false;
}

/// The RTL simulation's switching activity, copied in from the verify job.
constexpr const char* kActivityVcd = "activity.vcd";

/// activity: vectors: copies the verify job's labq_tb.vcd (its testbench
/// dumps it for Genus, jobs/sim_job.h WritesActivityVcd) into the job folder.
void PlaceActivityVcd(const JobContext& context) {
  for (const auto& [name, dir] : context.dependency_dirs) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(dir / "labq_tb.vcd", ec)) continue;
    std::filesystem::copy_file(dir / "labq_tb.vcd", context.dir / kActivityVcd,
                               std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) throw JobFailed("activity: cannot copy " + name + "'s labq_tb.vcd: " + ec.message());
    return;
  }
  throw JobFailed(
      "activity: vectors with flow: genus reads the verification's labq_tb.vcd, and no "
      "verification job this job waits for wrote one (a dpu group with verify: true does)");
}

struct GenusReports {
  ParsedReport timing, area, power, gates, qor;
};

GenusReports RunGenusOnce(const JobContext& context, const DpuParams& params, StepRunner& runner,
                          const StagedLiberty& liberty, const DpuDesign& design,
                          const std::string& verilog, double period_ns,
                          const StepOptions& options) {
  kainjow::mustache::data sdc;
  sdc.set("top", design.ModuleName());
  sdc.set("period_ns", FormatNs(period_ns));
  sdc.set("input_delay_ns", FormatNs(params.input_delay_ns));
  sdc.set("output_delay_ns", FormatNs(params.output_delay_ns));
  WriteFileAtomically(context.dir / "constraints.sdc",
                      RenderTemplate("genus/templates/constraints.sdc.mustache",
                                     templates::constraints_sdc_mustache(), sdc));
  kainjow::mustache::data tcl;
  tcl.set("top", design.ModuleName());
  tcl.set("script", "genus.tcl");
  tcl.set("verilog", TclWord(verilog));
  tcl.set("lib_dir", ".");
  tcl.set("lib_file", TclWord(LinkStagedLiberty(liberty, context.dir)));
  tcl.set("effort", TclWord(params.genus_effort));
  if (params.activity == "vectors") tcl.set("vcd", TclWord(kActivityVcd));
  const std::string& hook = params.genus_hook;
  if (hook != "none") {
    RequireTclSafe("genus_hook", hook);
    // A relative hook is relative to where labq runs, which may hold any
    // character: the absolute path is quoted for TCL as a whole.
    std::error_code ec;
    const auto hook_path = std::filesystem::absolute(hook, ec);
    if (ec || !std::filesystem::is_regular_file(hook_path, ec)) {
      throw JobFailed("genus_hook: " + hook_path.string() + " is not a file");
    }
    tcl.set("hook", TclWord(hook_path.lexically_normal().string()));
  }
  WriteFileAtomically(
      context.dir / "genus.tcl",
      RenderTemplate("genus/templates/synth.tcl.mustache", templates::synth_tcl_mustache(), tcl));
  const std::string& genus = params.genus_path;
  std::error_code ec;
  std::filesystem::remove_all(context.dir / "reports", ec);
  auto result = runner.Run(
      "genus", {genus, "-batch", "-files", "genus.tcl", "-log", "genus_logs/genus"}, options);
  if (LogShowsLicenceFailure(context.dir)) {
    throw JobFailed("genus: no licence could be checked out (see genus.stdout)", true);
  }
  if (!result.Succeeded()) RunStepOrFail(runner, context, "genus", {genus}, options);

  auto read = [&](const std::string& kind) {
    const auto path = context.dir / "reports" / (kind + ".rpt");
    if (!std::filesystem::exists(path, ec)) {
      throw JobFailed("genus wrote no reports/" + kind + ".rpt; see genus.stdout");
    }
    return genus::ParseGenusReport(kind, ReadFile(path.string()), "reports/" + kind + ".rpt");
  };
  return {read("timing"), read("area"), read("power"), read("gates"), read("qor")};
}

/// Power of the Joules category table's rows (register + latch: sequential;
/// logic: combinational); nullopt when the report has no such rows (the
/// legacy per-instance table does not split power by cell class).
std::optional<double> CategoryPower(const ParsedReport& power,
                                    std::initializer_list<const char*> categories) {
  std::optional<double> sum;
  for (const auto& [name, quantities] : power.rows) {
    for (const char* category : categories) {
      if (name == category && quantities.count("total")) {
        sum = sum.value_or(0) + quantities.at("total").value;
      }
    }
  }
  return sum;
}

/// Flops and combinational cells from report_qor's instance counts, else
/// report_gates' sequential total; the power split from the category table.
void AddBreakdown(const GenusReports& r, JobOutput& out) {
  if (r.qor.Has("sequential_instance_count") && r.qor.Has("combinational_instance_count")) {
    out.Add(metric::kFlopCount, r.qor.Get("sequential_instance_count"), "count");
    out.Add(metric::kCombCellCount, r.qor.Get("combinational_instance_count"), "count");
  } else if (r.gates.Has("sequential_instances") && r.area.Has("cell_count")) {
    const double flops = r.gates.Get("sequential_instances");
    out.Add(metric::kFlopCount, flops, "count");
    out.Add(metric::kCombCellCount, r.area.Get("cell_count") - flops, "count");
  }
  if (auto seq = CategoryPower(r.power, {"register", "latch"})) {
    out.Add(metric::kPowerSequential, *seq, "W");
  }
  if (auto comb = CategoryPower(r.power, {"logic"})) {
    out.Add(metric::kPowerCombinational, *comb, "W");
  }
}

}  // namespace

double GenusCriticalPeriodNs(const DpuParams& params, const JobContext& context,
                             StepRunner& runner) {
  if (!FindExecutable(params.genus_path)) {
    throw JobFailed("genus not found; set genus_path or use flow: yosys-sta");
  }
  const std::string verilog = PlaceDpuVerilog(params, context.dir);
  const StagedLiberty liberty = StageJobLiberty(params.liberty, context);
  StepOptions options;
  options.timeout = StepTimeout(params.timeout_s);
  GenusReports probe = RunGenusOnce(context, params, runner, liberty, params.Design(), verilog,
                                    kProbePeriodNs, options);
  return CriticalPeriodNs(kProbePeriodNs, probe.timing.Get("slack"));
}

JobOutput RunGenusFlow(const DpuParams& params, const JobContext& context, StepRunner& runner) {
  if (!FindExecutable(params.genus_path)) {
    throw JobFailed("genus not found; set genus_path or use flow: yosys-sta");
  }
  const DpuDesign design = params.Design();
  const std::string verilog = PlaceDpuVerilog(params, context.dir);
  const StagedLiberty liberty = StageJobLiberty(params.liberty, context);
  StepOptions options;
  options.timeout = StepTimeout(params.timeout_s);
  if (params.activity == "vectors") PlaceActivityVcd(context);

  double period_ns = 0;
  if (!params.clock_period_ns) {
    // Same rule as the open flow: find the critical path at a relaxed clock,
    // then synthesize and report at it.
    GenusReports probe =
        RunGenusOnce(context, params, runner, liberty, design, verilog, kProbePeriodNs, options);
    period_ns = CriticalPeriodNs(kProbePeriodNs, probe.timing.Get("slack"));
  } else {
    period_ns = *params.clock_period_ns;
  }
  GenusReports r =
      RunGenusOnce(context, params, runner, liberty, design, verilog, period_ns, options);

  SynthResult s;
  s.n = design.n;
  s.period_ns = period_ns;
  s.slack_ns = r.timing.Get("slack");
  s.area_um2 = r.area.Get("total_area");
  s.power_w = r.power.Get("total");
  const DpuFigures f = ComputeDpuFigures(s);
  JobOutput out;
  out.Add(metric::kClockPeriod, period_ns, "ns");
  out.Add(metric::kSlack, s.slack_ns, "ns");
  if (r.timing.Has("arrival")) out.Add(metric::kArrival, r.timing.Get("arrival"), "ns");
  out.Add(metric::kArea, s.area_um2, "um^2");
  out.Add(metric::kCellArea, r.area.Get("cell_area"), "um^2");
  out.Add(metric::kCellCount, r.area.Get("cell_count"), "count");
  for (const auto& [key, name] : {std::pair{"internal", metric::kPowerInternal},
                                  std::pair{"switching", metric::kPowerSwitching},
                                  std::pair{"leakage", metric::kPowerLeakage}}) {
    if (r.power.Has(key)) out.Add(name, r.power.Get(key), "W");
  }
  out.Add(metric::kPowerTotal, s.power_w, "W");
  AddBreakdown(r, out);
  out.Add(metric::kTimingMet, f.timing_met ? 1 : 0, "bool");
  out.Add(metric::kFrequency, f.frequency_hz, "Hz");
  out.Add(metric::kFmax, f.fmax_hz, "Hz");
  out.Add(metric::kOps, f.ops_per_s, "OPS");
  out.Add(metric::kOpsPerW, f.ops_per_w, "OPS/W");
  out.Add(metric::kOpsPerMm2, f.ops_per_mm2, "OPS/mm^2");
  out.texts["flow"] = "genus";
  out.texts["activity"] = params.activity;  // vectors: the RTL simulation's VCD
  out.texts["liberty"] = liberty.name;
  out.texts["liberty_path"] = liberty.source.string();
  out.texts["liberty_sha256"] = liberty.sha256;
  out.texts["period_source"] = ClockSourceName(params.clock_source);
  for (const auto* report : {&r.timing, &r.area, &r.power}) {
    for (const char* key : {"version", "generated_by", "operating_conditions", "wireload_mode",
                            "interconnect_mode", "technology_libraries"}) {
      auto it = report->texts.find(key);
      if (it != report->texts.end() && !out.texts.count("genus_" + std::string(key))) {
        out.texts["genus_" + std::string(key)] = it->second;
      }
    }
  }
  if (r.timing.texts.count("startpoint")) out.texts["startpoint"] = r.timing.texts.at("startpoint");
  if (r.timing.texts.count("endpoint")) out.texts["endpoint"] = r.timing.texts.at("endpoint");
  return out;
}

}  // namespace labq
