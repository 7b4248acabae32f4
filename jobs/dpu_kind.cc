#include "jobs/dpu_kind.h"

#include "jobs/clock_period.h"
#include "jobs/period_probe.h"

namespace labq {
namespace {

using nlohmann::json;

/// Whether the sweep file wrote `key` (a schema default has no file).
bool Written(const ExpandedConfig& config, const std::string& key) {
  const auto where = config.where.find(key);
  return where != config.where.end() && !where->second.file.empty();
}

/// a_bits or b_bits: its number, or input_bits' where it says `input_bits`.
int WidthOf(const json& params, const std::string& key) {
  const json& value = params[key];
  return value.is_number() ? value.get<int>() : params["input_bits"].get<int>();
}

/// The design a configuration describes, its widths and format checked
/// (errors at the key that is wrong). input_bits sets a_bits and b_bits;
/// each of them, written, overrides it; written all three, they must agree.
DpuDesign CheckedDesign(const ExpandedConfig& config) {
  const json& params = config.params;
  DpuDesign design;
  design.n = params["n"].get<int>();
  design.a_bits = WidthOf(params, "a_bits");
  design.b_bits = WidthOf(params, "b_bits");
  design.b_format = ParseBFormat(params["b_format"].get<std::string>());
  design.mode = ParseDpuMode(params["mode"].get<std::string>());
  design.out_bits = params["out_bits"].get<int>();
  const int input_bits = params["input_bits"].get<int>();
  if (Written(config, "input_bits") && Written(config, "a_bits") && Written(config, "b_bits") &&
      (design.a_bits != input_bits || design.b_bits != input_bits)) {
    throw InputError(WhereOf(config, "input_bits"), KeyOf(config, "input_bits"),
                     std::to_string(input_bits) +
                         " contradicts a_bits: " + std::to_string(design.a_bits) +
                         " and b_bits: " + std::to_string(design.b_bits) +
                         " (input_bits sets both; drop it, or write only the one that differs)");
  }
  // input_bits is at least 2: only a written b_bits can be too narrow.
  if (auto problem = design.BBitsProblem(); !problem.empty()) {
    throw InputError(WhereOf(config, "b_bits"), KeyOf(config, "b_bits"), problem);
  }
  if (auto problem = design.OutBitsProblem(); !problem.empty()) {
    throw InputError(WhereOf(config, "out_bits"), KeyOf(config, "out_bits"), problem);
  }
  return design;
}

/// The DPU width rules (dpu/dpu_design.h), reported at the sweep file's keys.
DpuDesign CheckDpu(const ExpandedConfig& config) {
  const DpuDesign design = CheckedDesign(config);
  // A vectors file is read here, before any job exists: a bad line is an
  // error at the sweep's `vectors:` key naming the file's own line.
  const auto vectors = config.params["vectors"].get<std::string>();
  if (vectors != "random") {
    try {
      ReadDpuVectorFile(vectors, design.n, design.a_bits, design.b_bits,
                        config.params["power_vectors"].get<int>());
    } catch (const Error& e) {
      throw InputError(WhereOf(config, "vectors"), KeyOf(config, "vectors"), e.what());
    }
  }
  return design;
}

/// The widths and format as a job stores them: the lab's family says it
/// with input_bits alone, as before a_bits, b_bits and b_format existed (its
/// cache keys stay); any other design stores all three, resolved.
void StoreWidths(const DpuDesign& design, json& params) {
  if (design.LabFamily()) {
    params.erase("a_bits");
    params.erase("b_bits");
    params.erase("b_format");
    params["input_bits"] = design.a_bits;
    return;
  }
  params["a_bits"] = design.a_bits;
  params["b_bits"] = design.b_bits;
  params["b_format"] = BFormatName(design.b_format);
}

/// `toggle_rate: X` without `activity` means `global` (the meaning it had
/// before `activity` existed); given both, they must agree. Returns the
/// configuration's params with `activity` resolved.
json ResolveActivity(const ExpandedConfig& config) {
  json params = config.params;
  const bool rate = params["toggle_rate"].is_number();
  const auto where = config.where.find("activity");  // a schema default has no file
  const bool given = where != config.where.end() && !where->second.file.empty();
  if (rate && !given) params["activity"] = "global";
  const std::optional<double> toggle_rate =
      rate ? std::optional<double>(params["toggle_rate"].get<double>()) : std::nullopt;
  if (auto problem = ActivityProblem(params["activity"].get<std::string>(), toggle_rate);
      !problem.empty()) {
    throw InputError(WhereOf(config, "activity"), KeyOf(config, "activity"), problem);
  }
  return params;
}

/// A number or its word in the schema (`auto`, `default`).
json NumberOr(const std::optional<double>& value, const char* word) {
  return value ? WholeNumber(*value) : json(word);
}

std::vector<ParamSpec> BuildSpecs() {
  const DpuParams d;
  // The order `labq params` and docs/params.md list them in.
  return {
      IntParam("n", json(), 1, 1024, "vector length N"),
      IntParam("input_bits", d.input_bits, 2, 16,
               "bits per input element M: a_bits and b_bits where they are not given"),
      IntParam("a_bits", kInputBitsWord, 1, 16,
               "bits per activation element a (unsigned); input_bits: as input_bits",
               {kInputBitsWord}),
      IntParam("b_bits", kInputBitsWord, 1, 16,
               "bits per weight element b, a sign-magnitude sign bit included; input_bits: as "
               "input_bits",
               {kInputBitsWord}),
      ChoiceParam("b_format", d.b_format, BFormatNames(),
                  "weights: unsigned (the lab's DPU), or sign-magnitude (top bit the sign; signed "
                  "products and sum)"),
      ChoiceParam("mode", json(), {"full", "msb", "lsb"}, "output mode"),
      IntParam("out_bits", d.out_bits, 1, 64, "output bits for msb/lsb"),
      NumberParam("clock_period_ns", NumberOr(d.clock_period_ns, "auto"), 0.001, 1e6,
                  "clock period; auto: the slowest critical period of the configuration's "
                  "modes; lab: lab_clock_ns",
                  {"auto", "lab"}),
      NumberParam("lab_clock_ns", WholeNumber(d.lab_clock_ns), 0.001, 1e6,
                  "the lab's fixed clock period (clock_period_ns: lab)"),
      {"liberty",
       ParamType::kLiberty,
       d.liberty,
       0,
       0,
       {"osu018", "nangate45", "sky130"},
       "standard-cell library"},
      ChoiceParam("flow", d.flow, {"yosys-sta", "genus"}, "synthesis flow"),
      ChoiceParam("simulator", d.simulator, {"verilator", "iverilog"}, "verification simulator"),
      IntParam("random_vectors", d.random_vectors, 0, 100000, "random test vectors"),
      IntParam("seed", d.seed, 0, 2147483647, "random vector seed"),
      PathParam("vectors", d.vectors, {"random"},
                "workload: random (seeded), or a hex file of `A B` lines"),
      IntParam("power_vectors", d.power_vectors, 1, 100000,
               "workload vectors for gate-level activity"),
      BoolParam("verify", d.verify, "verify in simulation before synthesis"),
      NumberParam("toggle_rate", NumberOr(d.toggle_rate, "default"), 0, 1,
                  "global power activity, or default", {"default"}),
      ChoiceParam("activity", d.activity, {"default", "global", "vectors"},
                  "power's switching activity: OpenSTA default, global toggle_rate, or simulated "
                  "vectors"),
      NumberParam("input_delay_ns", WholeNumber(d.input_delay_ns), 0, 1e6,
                  "input delay relative to clk"),
      NumberParam("output_delay_ns", WholeNumber(d.output_delay_ns), 0, 1e6,
                  "output delay relative to clk"),
      PathParam("rtl", d.rtl, {"generated"}, "generated, or a user Verilog file to verify"),
      NumberParam("timeout_s", WholeNumber(d.timeout_s), 1, 1e7, "per-step timeout"),
      PathParam("genus_path", d.genus_path, {}, "genus binary (flow: genus)"),
      ChoiceParam("genus_effort", d.genus_effort, {"low", "medium", "high"}, "Genus syn effort"),
      PathParam("genus_hook", d.genus_hook, {"none"},
                "extra TCL sourced after elaborate (flow: genus)"),
      ChoiceParam("genus_fallback", d.genus_fallback, {"none", "yosys-sta"},
                  "flow to use when genus is absent"),
      IntParam("retries", d.retries, 0, 10, "retries after a transient failure (licence, signal)"),
  };
}

/// clock_period_ns (a number, auto or lab) and, under auto, the peers
/// ExpandDpu recorded.
void ReadClock(const json& params, DpuParams& p) {
  const json& clock = RequiredParam(params, "clock_period_ns");
  if (clock.is_string() && clock.get<std::string>() == "lab") {
    p.clock_source = ClockSource::kLab;
    p.clock_period_ns = p.lab_clock_ns;
    return;
  }
  p.clock_period_ns = ParamOr<double>(params, "clock_period_ns", "auto");
  p.clock_source = p.clock_period_ns ? ClockSource::kFixed : ClockSource::kAuto;
  // Optional, unlike the schema's keys: a synth job run on its own (not
  // expanded from a sweep) has no peers and probes for itself.
  const auto peers = params.find(kPeriodPeersKey);
  if (p.clock_period_ns || peers == params.end()) return;
  if (!peers->is_array() || peers->empty()) {
    throw JobFailed(std::string("parameter '") + kPeriodPeersKey + "' is not a list of modes");
  }
  for (const auto& mode : *peers) {
    if (!mode.is_string()) {
      throw JobFailed(std::string("parameter '") + kPeriodPeersKey + "' is not a list of modes");
    }
    p.period_peers.push_back(mode.get<std::string>());
  }
  p.clock_source = ClockSource::kAutoCommon;
}

/// A stored a_bits or b_bits: absent or `input_bits` (the schema's default,
/// as a job built from SchemaDefaults has it) means input_bits.
int StoredWidth(const json& params, const char* key, int input_bits) {
  const auto value = params.find(key);
  if (value == params.end() || (value->is_string() && *value == kInputBitsWord)) return input_bits;
  return ParamAs<int>(params, key);
}

}  // namespace

const char* ClockSourceName(ClockSource source) {
  switch (source) {
    case ClockSource::kFixed:
      return "fixed";
    case ClockSource::kLab:
      return "lab";
    case ClockSource::kAuto:
      return "auto";
    case ClockSource::kAutoCommon:
      return "auto-common";
  }
  return "fixed";
}

DpuParams DpuParams::From(const json& params) {
  DpuParams p;
  p.n = ParamAs<int>(params, "n");
  p.input_bits = ParamAs<int>(params, "input_bits");
  // Stored only outside the lab's family (StoreWidths).
  p.a_bits = StoredWidth(params, "a_bits", p.input_bits);
  p.b_bits = StoredWidth(params, "b_bits", p.input_bits);
  p.b_format = params.contains("b_format") ? ParamAs<std::string>(params, "b_format") : "unsigned";
  p.mode = ParamAs<std::string>(params, "mode");
  p.out_bits = ParamAs<int>(params, "out_bits");
  p.lab_clock_ns = ParamAs<double>(params, "lab_clock_ns");
  ReadClock(params, p);
  p.liberty = ParamAs<std::string>(params, "liberty");
  p.flow = ParamAs<std::string>(params, "flow");
  p.simulator = ParamAs<std::string>(params, "simulator");
  p.random_vectors = ParamAs<int>(params, "random_vectors");
  p.seed = ParamAs<int>(params, "seed");
  p.vectors = ParamAs<std::string>(params, "vectors");
  p.power_vectors = ParamAs<int>(params, "power_vectors");
  p.verify = ParamAs<bool>(params, "verify");
  p.toggle_rate = ParamOr<double>(params, "toggle_rate", "default");
  // Jobs stored before `activity` existed said it with toggle_rate alone.
  p.activity = params.contains("activity") ? ParamAs<std::string>(params, "activity")
               : p.toggle_rate             ? "global"
                                           : "default";
  if (auto problem = ActivityProblem(p.activity, p.toggle_rate); !problem.empty()) {
    throw JobFailed("activity: " + problem);
  }
  p.input_delay_ns = ParamAs<double>(params, "input_delay_ns");
  p.output_delay_ns = ParamAs<double>(params, "output_delay_ns");
  p.rtl = ParamAs<std::string>(params, "rtl");
  p.timeout_s = ParamAs<double>(params, "timeout_s");
  p.genus_path = ParamAs<std::string>(params, "genus_path");
  p.genus_effort = ParamAs<std::string>(params, "genus_effort");
  p.genus_hook = ParamAs<std::string>(params, "genus_hook");
  p.genus_fallback = ParamAs<std::string>(params, "genus_fallback");
  p.retries = ParamAs<int>(params, "retries");
  return p;
}

DpuDesign DpuParams::Design() const {
  DpuDesign d;
  d.n = n;
  d.a_bits = a_bits;
  d.b_bits = b_bits;
  try {
    d.mode = ParseDpuMode(mode);
    d.b_format = ParseBFormat(b_format);
  } catch (const Error& e) {
    throw JobFailed(e.what());
  }
  d.out_bits = out_bits;
  if (d.n < 1 || d.n > 1024 || d.a_bits < 1 || d.a_bits > 16 || d.b_bits < 1 || d.b_bits > 16) {
    throw JobFailed("DPU parameters out of range");
  }
  if (auto problem = d.BBitsProblem(); !problem.empty()) {
    throw JobFailed("b_bits: " + problem);
  }
  if (auto problem = d.OutBitsProblem(); !problem.empty()) {
    throw JobFailed("out_bits: " + problem);
  }
  return d;
}

DpuVectorSet DpuParams::Workload() const {
  try {
    return LoadDpuVectors(vectors, n, a_bits, b_bits, power_vectors, static_cast<uint64_t>(seed));
  } catch (const Error& e) {
    throw JobFailed(std::string("vectors: ") + e.what());
  }
}

const std::vector<ParamSpec>& DpuParamSpecs() {
  static const std::vector<ParamSpec> specs = BuildSpecs();
  return specs;
}

std::string ActivityProblem(const std::string& activity, const std::optional<double>& toggle_rate) {
  if (activity == "global" && !toggle_rate) {
    return "'global' needs a toggle_rate (a number from 0 to 1)";
  }
  if (activity != "global" && toggle_rate) {
    return "'" + activity + "' contradicts toggle_rate: " + FormatNs(*toggle_rate) +
           " (a global toggle rate; use activity: global, or drop toggle_rate)";
  }
  return "";
}

void ExpandDpu(const ExpandedConfig& config, bool verify, bool synth, JobNames& names,
               Sweep& sweep) {
  const DpuDesign design = CheckDpu(config);
  json params = ResolveActivity(config);
  StoreWidths(design, params);
  const std::string label = ConfigLabel(config);
  const double n = config.params["n"].get<double>();
  std::string verify_name;
  if (verify) {
    verify_name = names.Unique(label, ".verify");
    sweep.jobs.push_back({verify_name, "sim", config.group, params, {}, 5 + 0.3 * n});
  }
  if (synth && !verify && params["flow"] == "genus" && params["activity"] == "vectors" &&
      params["genus_fallback"] == "none") {
    throw InputError(WhereOf(config, "activity"), KeyOf(config, "activity"),
                     "'vectors' with flow: genus reads the verification's VCD: use a dpu group "
                     "with verify: true");
  }
  if (synth) {
    JobSpec job{names.Unique(label, ".synth"), "synth", config.group, params, {}, 5 + n};
    if (!verify_name.empty()) job.depends_on.push_back(verify_name);
    sweep.jobs.push_back(std::move(job));
    LinkAutoCommon(config, sweep.jobs.size() - 1, names, sweep);
  }
}

void DpuKind::Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const {
  ExpandDpu(config, config.params["verify"].get<bool>(), true, names, sweep);
}

}  // namespace labq
