#pragma once
/// One delay target per comparison (`clock_period_ns: auto` in a sweep):
/// configurations of a group that differ only in `mode` are synthesized
/// toward the slowest of their critical periods, so that full, msb and lsb
/// are compared at one target instead of each at its own.
///
/// - expansion (LinkAutoCommon, from ExpandDpu): once a second configuration
///   joins a comparison, every member gets a `synth_probe` job (shared by
///   configurations whose synthesis inputs are equal) and its synth job waits
///   for every member's probe; the synth job's params record the members'
///   modes under `period_peers`, so its cache key says which comparison it
///   belongs to. A configuration alone keeps the in-job probe (`auto`).
/// - probe (SynthProbeJob): Yosys at ABC's own delay target, OpenSTA at a
///   relaxed clock; leaves its critical period in kProbeResultFile.
/// - synth (ResolveCommonClock): reads its peers' probe results from its
///   dependencies' directories and takes the largest as its period.

#include <filesystem>
#include <map>
#include <string>

#include "jobs/dpu_kind.h"

namespace labq {

/// What a probe leaves in its job directory: {"mode", "critical_period_ns"}.
inline constexpr char kProbeResultFile[] = "critical_period.json";

/// Adds the probes of `auto` for the synth job at `synth_index` of `sweep`
/// (config's job) and links it with the earlier members of its comparison.
/// Does nothing unless clock_period_ns is auto.
void LinkAutoCommon(const ExpandedConfig& config, size_t synth_index, JobNames& names,
                    Sweep& sweep);

/// auto-common: sets params.clock_period_ns to the largest critical period
/// the probes among `dependency_dirs` found for params.period_peers, and
/// returns them as text ("full 4.66 ns, lsb 4.748 ns, msb 4.518 ns"). For
/// any other clock source it changes nothing and returns "". Throws
/// JobFailed naming a peer whose probe result is missing or unreadable.
std::string ResolveCommonClock(DpuParams& params,
                               const std::map<std::string, std::filesystem::path>& dependency_dirs);

/// The `synth_probe` kind: jobs only the expansion adds (not a group kind).
class SynthProbeJob : public JobKind {
 public:
  std::string Name() const override { return "synth_probe"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  /// The synth kind's inputs: the same RTL, liberty and tools.
  std::optional<std::string> CacheInputs(const nlohmann::json& params) const override;
  std::vector<MetricSpec> Metrics() const override;
};

}  // namespace labq
