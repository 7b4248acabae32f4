#pragma once
/// A sweep's SLURM settings (its `slurm:` block): the executor options model,
/// validated where the sweep is read, stored with each job, and turned into
/// sbatch arguments by the SLURM client (orchestrator/slurm_client.h).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"

namespace labq {

/// A sweep's SLURM settings. Empty strings and cpus = 0 mean "not given"
/// (the cluster's default applies).
struct SlurmOptions {
  std::string partition;  ///< --partition: name, or a comma list of names
  std::string account;    ///< --account
  std::string time;       ///< --time: minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S (> 0)
  std::string mem;        ///< --mem: a positive integer with an optional K, M, G or T (4G)
  std::string qos;        ///< --qos
  std::string gres;       ///< --gres: name[:type][:count], comma-separated (gpu:1)
  int cpus = 0;           ///< --cpus-per-task; 0 = not given
  /// Further sbatch options, each one `--name` or `--name=value` matching
  /// ^--[a-z][a-z-]*(=[A-Za-z0-9_.,:=/@%+-]*)?$; options labq sets itself or
  /// that have a key above (and any abbreviation of them) are refused.
  std::vector<std::string> extra_args;
};

/// A value of SlurmOptions that is not acceptable. what() is
/// "slurm.<key>: <problem>"; key() and problem() let a caller that knows the
/// sweep file's line rethrow it as an InputError.
class SlurmOptionError : public Error {
 public:
  SlurmOptionError(std::string key, std::string problem);
  const std::string& key() const { return key_; }          ///< "mem", "extra_args[1]", ...
  const std::string& problem() const { return problem_; }  ///< without the key

 private:
  std::string key_, problem_;
};

/// Throws SlurmOptionError naming the key when a value is not acceptable.
/// Submit calls it too, before anything runs.
void ValidateSlurmOptions(const SlurmOptions& options);

/// The sbatch arguments for `options` (after validation), in a fixed order.
std::vector<std::string> SlurmOptionArgs(const SlurmOptions& options);
/// Options as stored with a job (jobs.executor) and back.
nlohmann::json SlurmOptionsToJson(const SlurmOptions& options);
SlurmOptions SlurmOptionsFromJson(const nlohmann::json& json);

}  // namespace labq
