#pragma once
/// The unit the orchestrator schedules: one kind, validated parameters and
/// the names of the jobs it must wait for. Produced by sweep expansion only.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace labq {

struct JobSpec {
  std::string name;   ///< Unique within its sweep; also the job directory name.
  std::string kind;   ///< "sim", "synth", "qat", "pretrain", "command".
  std::string group;  ///< The sweep group it came from.
  nlohmann::json params = nlohmann::json::object();
  std::vector<std::string> depends_on;  ///< Names of jobs in the same sweep.
  /// Rough relative run time, for critical-path-first scheduling: slots start
  /// the longest chains early so a sweep does not end on one long job.
  double cost_estimate = 1;
  /// Named resources one run holds, e.g. {"genus_licenses": 1}.
  nlohmann::json resources = nlohmann::json::object();
  /// Where it runs: {} = this machine; {"type": "slurm", "options": {...}}.
  nlohmann::json executor = nlohmann::json::object();
};

struct Sweep {
  std::string name;
  std::string description;  ///< The file's `description:`, shown by `labq sweeps`.
  std::string file;         ///< Where it was read from ("" for in-memory text).
  std::string source_text;  ///< The YAML as written, stored for provenance.
  std::vector<JobSpec> jobs;
  /// Resource limits declared by the sweep: name -> capacity.
  nlohmann::json limits = nlohmann::json::object();
};

}  // namespace labq
