#pragma once
/// The SLURM executor's building blocks: validated sbatch options, submitting a
/// batch script, polling job states and cancelling, all through the SLURM
/// command-line tools (sbatch, squeue, scontrol, scancel, sinfo) run as argv
/// vectors by RunSubprocess. No shell ever sees a user value.

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "results/job_state.h"
#include "sweep/slurm_options.h"

namespace labq {

/// One job as slurmctld reports it.
struct SlurmJobState {
  /// SLURM's state (PENDING RUNNING COMPLETING COMPLETED FAILED TIMEOUT CANCELLED
  /// NODE_FAIL OUT_OF_MEMORY PREEMPTED ...), or "UNKNOWN" when slurmctld does not
  /// know the id (purged after MinJobAge, or never submitted).
  std::string state;
  int exit_code = -1;  ///< the batch script's exit status; -1 when not reported
  int signal = 0;      ///< the signal that ended it (15 when cancelled or timed out)
  std::string reason;  ///< SLURM's Reason (NonZeroExitCode, TimeLimit, Priority, None, ...)
};

/// Parses one line of `scontrol show job -o` (space-separated Key=Value pairs;
/// a word without '=' continues the previous value). Returns the job id and
/// fills `state`; throws labq::Error when JobId or JobState is missing.
std::string ParseScontrolJobLine(std::string_view line, SlurmJobState& state);

/// Parses the output of `squeue -h -t all -O JobID:|,State:|,exit_code:|,Reason:|`
/// (exit_code is the raw wait status). Lines that are not of that form are
/// skipped.
std::map<std::string, SlurmJobState> ParseSqueueOutput(std::string_view text);

/// labq's view of a SLURM state: `state` is one of queued, running, done,
/// failed, timeout, cancelled; `detail` says what SLURM said, for the user
/// ("FAILED, exit 3 (NonZeroExitCode)"). States labq does not know are
/// "running" (not final) so that nothing is concluded from them.
struct LabqSlurmStatus {
  JobState state = JobState::kRunning;
  std::string detail;
  bool Final() const { return IsFinal(state); }
};
LabqSlurmStatus LabqStateFor(const SlurmJobState& job);

class SlurmClient {
 public:
  /// `env` is added to each SLURM command's environment (e.g. SLURM_CONF);
  /// the submitted job inherits it through sbatch.
  explicit SlurmClient(std::map<std::string, std::string> env = {});

  /// Runs `sbatch --parsable --job-name NAME --chdir DIR --output DIR/slurm.out
  /// --error DIR/slurm.err [options] SCRIPT` and returns the job id. `name`
  /// holds letters, digits and _ . -; `dir` must exist. Throws labq::Error
  /// (with sbatch's own message) when the options are not valid or sbatch
  /// refuses the job.
  std::string Submit(const std::string& name, const std::filesystem::path& dir,
                     const std::filesystem::path& script, const SlurmOptions& options);

  /// The state of each id (every id gets an entry; "UNKNOWN" when slurmctld has
  /// none). One `scontrol show job -o ID` for a single id, one squeue call per
  /// 100 ids otherwise. Throws labq::Error when SLURM cannot be asked (e.g.
  /// slurmctld down): the caller retries later. Limiting the rate is the caller's job.
  std::map<std::string, SlurmJobState> Poll(const std::vector<std::string>& ids);
  SlurmJobState Poll(const std::string& id);

  /// scancel ID. Cancelling a finished or unknown job is not an error.
  void Cancel(const std::string& id);

  /// True when sinfo answers (the cluster is reachable and configured).
  bool Available();

  /// Limit for each SLURM command (default 60 s); a command past it is killed.
  void set_command_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

 private:
  struct Output {
    int exit_code = -1;
    bool ran = false;  ///< exited on its own (not killed, not missing)
    std::string out, err, describe;
  };
  Output Run(const std::vector<std::string>& argv);

  std::map<std::string, std::string> env_;
  std::chrono::milliseconds timeout_{60000};
};

}  // namespace labq
