#pragma once
/// The `command` kind, whole: a user's own program as a job. This file and
/// one line in jobs/kind_registry.cc are all a kind needs:
/// - params: CommandParams below (typed, with the defaults the sweep reader
///   fills; nothing reads a default again), plus any user parameter of the
///   group (a number, bool or plain word) for {name} substitution;
/// - expansion: one job per configuration, named after the group and its
///   grid/zip values;
/// - cache inputs: the program's binary and every argument that names a file;
/// - run: `argv` with {param} substituted (values validated at parse time,
///   never passed through a shell);
/// - metrics: lines `labq-metric NAME VALUE [UNIT]` on stdout
///   (jobs/metric_lines.h); malformed ones become warnings in warnings.log.
///   The names are the user's, so the kind has no fixed table columns:
///   `labq show` and the dashboard's job page list whatever it printed.

#include "jobs/job_kind.h"
#include "sweep/group_kind.h"

namespace labq {

/// A command job's parameters. The member initializers are the defaults;
/// CommandKind::Params() builds the sweep schema from them.
struct CommandParams {
  std::vector<std::string> argv;  ///< program and arguments; required
  double timeout_s = 3600;        ///< whole run
  int retries = 0;                ///< after a transient failure (signal)

  /// Reads a job's stored parameters (filled by the sweep reader). Throws
  /// JobFailed naming a missing key.
  static CommandParams From(const nlohmann::json& params);
};

class CommandKind : public GroupKind, public JobKind {
 public:
  std::string Name() const override { return "command"; }
  const std::vector<ParamSpec>& Params() const override;
  bool AcceptsUserParams() const override { return true; }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override;
  std::optional<std::string> CacheInputs(const nlohmann::json& params) const override;
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
};

/// Replaces each {name} (an identifier) in `arg` by the parameter's value
/// ({job_dir} is the job directory); other braces stay as written. Throws
/// JobFailed for an unknown name.
std::string SubstituteParams(const std::string& arg, const nlohmann::json& params,
                             const std::filesystem::path& job_dir);

}  // namespace labq
