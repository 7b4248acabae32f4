#pragma once
/// The names of the metrics jobs store, written once for the flows that
/// write them (jobs/synth_job.cc, jobs/genus_flow.cc, qat/trainer.cc) and the
/// tables that read them (results/dpu_table.cc, results/qat_table.cc, viz/):
/// a misspelt name is a compile error, not an empty column. Header only and
/// std only, so that labqat's standalone build can include it too. Character
/// arrays, so that they pass where a std::string is taken.

#include <array>
#include <string_view>

namespace labq::metric {

// Synthesis (both flows: yosys-sta and genus).
inline constexpr char kClockPeriod[] = "clock_period";  ///< ns, the clock timed at
inline constexpr char kSlack[] = "slack";               ///< ns, worst setup slack
inline constexpr char kArrival[] = "arrival";           ///< ns, data arrival
inline constexpr char kArea[] = "area";                 ///< um^2, total
inline constexpr char kCellArea[] = "cell_area";        ///< um^2 (genus only)
inline constexpr char kCellCount[] = "cell_count";
inline constexpr char kPowerInternal[] = "power_internal";    ///< W
inline constexpr char kPowerSwitching[] = "power_switching";  ///< W
inline constexpr char kPowerLeakage[] = "power_leakage";      ///< W
inline constexpr char kPowerTotal[] = "power_total";          ///< W
inline constexpr char kTimingMet[] = "timing_met";            ///< 1 or 0
inline constexpr char kFmax[] = "fmax";                       ///< Hz
inline constexpr char kOps[] = "ops";                         ///< OPS
inline constexpr char kOpsPerW[] = "ops_per_w";
inline constexpr char kOpsPerMm2[] = "ops_per_mm2";
/// Power split by cell class (OpenSTA's report_power groups, or labq's own
/// calculator with `activity: vectors`); flop and combinational cell counts.
inline constexpr char kPowerSequential[] = "power_sequential";        ///< W
inline constexpr char kPowerCombinational[] = "power_combinational";  ///< W
inline constexpr char kFlopCount[] = "flop_count";
inline constexpr char kCombCellCount[] = "comb_cell_count";
/// The frequency the OPS use (1 / the period OPS are counted at), beside
/// kFmax (1 / (period - slack)).
inline constexpr char kFrequency[] = "frequency";  ///< Hz
/// A `synth_probe` job's finding: the critical period at the tool's own delay
/// target (`clock_period_ns: auto`, jobs/period_probe.h).
inline constexpr char kCriticalPeriod[] = "critical_period";  ///< ns
/// `activity: vectors`: simulated cycles and where the time went.
inline constexpr char kActivityCycles[] = "activity_cycles";
inline constexpr char kActivitySeconds[] = "activity_seconds";     ///< s, gate-level simulation
inline constexpr char kPowerCalcSeconds[] = "power_calc_seconds";  ///< s, labq's calculator
/// OpenSTA's design-rule summaries (yosys_sta/opensta_limit_checks.h):
/// written only when the report prints them, so absent means "clean or not
/// checked", never a guessed 0.
inline constexpr char kMaxSlewViolations[] = "max_slew_violations";
inline constexpr char kMaxSlewWorstSlack[] = "max_slew_worst_slack";
inline constexpr char kMaxCapacitanceViolations[] = "max_capacitance_violations";
inline constexpr char kMaxCapacitanceWorstSlack[] = "max_capacitance_worst_slack";
inline constexpr char kMaxFanoutViolations[] = "max_fanout_violations";
inline constexpr char kMaxFanoutWorstSlack[] = "max_fanout_worst_slack";
inline constexpr char kUnconstrainedEndpoints[] = "unconstrained_endpoints";
inline constexpr const char* kSynthDesignRules[] = {
    kMaxSlewViolations,        kMaxSlewWorstSlack,   kMaxCapacitanceViolations,
    kMaxCapacitanceWorstSlack, kMaxFanoutViolations, kMaxFanoutWorstSlack,
    kUnconstrainedEndpoints};

/// What every successful synthesis job stores, whichever flow ran it (the
/// flows' tests check each name is written; the DPU table reads only these).
inline constexpr std::array<std::string_view, 11> kSynthWritten = {
    kClockPeriod, kSlack, kArea,    kPowerTotal, kTimingMet, kFrequency,
    kFmax,        kOps,   kOpsPerW, kOpsPerMm2,  kCellCount};

// QAT (labqat's final line; labq stores its numbers under these names).
inline constexpr char kAccFp[] = "acc_fp";  ///< %, full precision
inline constexpr char kAcc8[] = "acc8";     ///< %, 8-bit weights
inline constexpr char kAcc4[] = "acc4";     ///< %, 4-bit weights
inline constexpr char kTrainSeconds[] = "train_seconds";

/// The numbers of labqat's final line that tables read: the accuracies of
/// the precisions a mode evaluates (fp: acc_fp; q8: acc8 and acc4, cut
/// naively; q4: acc4; nested: acc8 and acc4) and train_seconds.
inline constexpr std::array<std::string_view, 4> kQatWritten = {kAccFp, kAcc8, kAcc4,
                                                                kTrainSeconds};

// Hardware-in-the-loop evaluation (`labqat hweval`'s final line; the hw_eval
// kind stores its numbers under these names, results/codesign_table.cc reads them).
inline constexpr char kHwAccuracy[] = "accuracy";           ///< %, every conv on the DPU
inline constexpr char kFloatAccuracy[] = "float_accuracy";  ///< %, same weights, float activations
inline constexpr char kMacsPerImage[] = "macs_per_image";   ///< the network's conv MACs
inline constexpr char kDpuCallsPerImage[] = "dpu_calls_per_image";

/// The numbers of hweval's final line that the codesign table reads.
inline constexpr std::array<std::string_view, 4> kHwEvalWritten = {
    kHwAccuracy, kFloatAccuracy, kMacsPerImage, kDpuCallsPerImage};

}  // namespace labq::metric
