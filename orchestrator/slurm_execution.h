#pragma once
/// The SLURM executor: a claimed job's directory is prepared here, and the
/// job itself runs on a node as `labq exec-job DIR` submitted with sbatch.
/// labq polls SLURM at a bounded rate, then reads DIR/result.json exactly as
/// for a local job. The job directory root must be on a path every node shares.

#include <functional>
#include <string>

#include "orchestrator/job_execution.h"

namespace labq {

/// Submits (or, with `attach_to` set, re-attaches to an already submitted
/// SLURM job) and blocks until SLURM reports it ended. `on_submitted` is told
/// the SLURM id before the first poll, so a restarted labd can re-attach.
JobCompletion RunJobOnSlurm(const JobRecord& job, const ExecutionEnvironment& env,
                            const std::function<void(const std::string&)>& on_submitted,
                            const std::string& attach_to = "");

/// The labq program nodes run: $LABQ_BIN, else this program if it is labq,
/// else labq beside it in the build tree, else `labq` on PATH.
std::string FindLabqBinary();

}  // namespace labq
