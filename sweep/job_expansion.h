#pragma once
/// Turns validated parameter sets of a group into jobs, through the group's
/// kind. The kinds not yet in one file of their own (dpu, sim, synth, qat;
/// jobs/command_job.cc shows the shape) keep their parameters in
/// param_schema.cc and their expansion here: a `dpu` configuration becomes a
/// verification job and a synthesis job that waits for it; a `qat` group
/// shares one FP pretraining job among its training jobs.

#include <vector>

#include "sweep/group_kind.h"

namespace labq {

/// Appends the group's jobs to `sweep`, each configuration through its kind in
/// `kinds`. Throws InputError pointing at the offending value.
void AppendJobs(const std::vector<ExpandedConfig>& configs, const GroupKindTable& kinds,
                Sweep& sweep);

/// The kinds on the old path, for jobs/kind_registry.cc.
const GroupKind& DpuGroupKind();    ///< dpu: verify (unless verify: false), then synth
const GroupKind& SimGroupKind();    ///< sim: verify only
const GroupKind& SynthGroupKind();  ///< synth: synthesis only
const GroupKind& QatGroupKind();    ///< qat: one shared pretrain + a training job each

}  // namespace labq
