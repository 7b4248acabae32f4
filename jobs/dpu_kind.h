#pragma once
/// The hardware kinds' parameters, in one place, and the `dpu` kind:
/// - params: DpuParams below (typed; the member initializers are the
///   defaults the sweep reader fills, nothing reads a default again). The
///   `dpu`, `sim` and `synth` kinds share them;
/// - expansion: ExpandDpu; a `dpu` configuration becomes a `sim`
///   (verification) job and a `synth` job that waits for it, `sim` and
///   `synth` groups one job each (jobs/sim_job.h, jobs/synth_job.h: their
///   runs, cache inputs and metrics);
/// - the width rules (dpu/dpu_design.h) checked at the sweep file's out_bits.

#include <optional>

#include "dpu/dpu_design.h"
#include "dpu/dpu_vectors.h"
#include "jobs/job_kind.h"
#include "sweep/group_kind.h"

namespace labq {

/// How a synthesis job's clock period was chosen (`period_source`, stored
/// with every result).
enum class ClockSource {
  kFixed,       ///< the sweep's number
  kLab,         ///< `lab`: the lab's fixed period, lab_clock_ns
  kAuto,        ///< `auto`, one job on its own: its own critical period
  kAutoCommon,  ///< `auto` in a sweep: the slowest critical period of its mode peers
};
/// "fixed", "lab", "auto", "auto-common".
const char* ClockSourceName(ClockSource source);

/// The key a synth job's params carry under `auto` (written by ExpandDpu, not
/// by users): the modes whose probes set its common target.
inline constexpr char kPeriodPeersKey[] = "period_peers";

/// A hardware configuration: the design, how it is verified and synthesized.
struct DpuParams {
  int n = 0;           ///< vector length N; required
  int input_bits = 8;  ///< M: the shorthand for a_bits == b_bits == M
  /// Activation and weight widths. In the sweep both default to
  /// `input_bits`; ExpandDpu stores them (and b_format) only for designs
  /// outside the lab's family (dpu/dpu_design.h LabFamily), so a lab job's
  /// stored params, and its cache key, are what they were before they existed.
  int a_bits = 8;
  int b_bits = 8;
  std::string b_format = "unsigned";  ///< unsigned or sign-magnitude
  std::string mode;                   ///< full, msb, lsb; required
  int out_bits = 8;                   ///< output bits for msb/lsb
  /// nullopt: `auto` (a critical path); `lab` reads as lab_clock_ns.
  std::optional<double> clock_period_ns;
  ClockSource clock_source = ClockSource::kAuto;
  /// The lab's rule: "use the default clock period of the synthesis script if
  /// slack is positive". 10 ns: the round period at which every lab
  /// configuration, N = 128 included, meets timing on osu018 (README).
  double lab_clock_ns = 10;
  std::vector<std::string> period_peers;  ///< kAutoCommon: the modes sharing its target
  std::string liberty = "osu018";         ///< osu018, nangate45, sky130, or a .lib path
  std::string flow = "yosys-sta";         ///< or genus
  std::string simulator = "verilator";    ///< or iverilog
  int random_vectors = 200;
  int seed = 1;                       ///< random vector seed
  std::string vectors = "random";     ///< workload: random (seeded), or a hex file of `A B` lines
  int power_vectors = 2000;           ///< workload vectors (cycles) for gate-level activity
  bool verify = true;                 ///< dpu groups: verify before synthesis
  std::optional<double> toggle_rate;  ///< nullopt: `default` (OpenSTA's 0.1 on inputs)
  /// Where power's switching activity comes from: `default` (OpenSTA's
  /// propagation from 0.1 toggles per cycle on inputs), `global` (toggle_rate
  /// on every net) or `vectors` (the mapped netlist simulated on the job's
  /// vectors). `toggle_rate: X` alone reads as `global`.
  std::string activity = "default";
  double input_delay_ns = 0;
  double output_delay_ns = 0;
  std::string rtl = "generated";  ///< or a user Verilog file
  double timeout_s = 3600;        ///< per step
  std::string genus_path = "genus";
  std::string genus_effort = "medium";
  std::string genus_hook = "none";      ///< extra TCL sourced after elaborate
  std::string genus_fallback = "none";  ///< or yosys-sta, when genus is absent
  int retries = 0;

  /// Reads a job's stored parameters. Throws JobFailed naming a missing key.
  static DpuParams From(const nlohmann::json& params);
  /// The design (n, a_bits, b_bits, b_format, mode, out_bits). Throws
  /// JobFailed when the widths do not fit.
  DpuDesign Design() const;
  bool GeneratedRtl() const { return rtl == "generated"; }
  bool VectorsFromFile() const { return vectors != "random"; }
  /// The workload (dpu/dpu_vectors.h): power_vectors vectors, random from
  /// `seed` or the first power_vectors of the file. Throws JobFailed naming
  /// the file's line when it is bad.
  DpuVectorSet Workload() const;
};

/// What contradicts in an activity and a toggle rate ("" when they fit):
/// `global` needs a toggle_rate, `default` and `vectors` take none.
std::string ActivityProblem(const std::string& activity, const std::optional<double>& toggle_rate);

/// The widths' word in the schema: a_bits and b_bits default to input_bits.
inline constexpr char kInputBitsWord[] = "input_bits";

/// The schema of the hardware kinds, built from DpuParams' defaults.
const std::vector<ParamSpec>& DpuParamSpecs();

/// Appends one hardware configuration's jobs: a verification job when
/// `verify`, a synthesis job (waiting for it) when `synth`. Throws InputError
/// at out_bits when the widths do not fit.
void ExpandDpu(const ExpandedConfig& config, bool verify, bool synth, JobNames& names,
               Sweep& sweep);

/// dpu: verify (unless `verify: false`), then synthesize.
class DpuKind : public GroupKind {
 public:
  std::string Name() const override { return "dpu"; }
  const std::vector<ParamSpec>& Params() const override { return DpuParamSpecs(); }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override;
};

}  // namespace labq
