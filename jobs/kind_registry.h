#pragma once
/// Every job kind this build knows, in one list (kind_registry.cc): adding a
/// kind is one file (jobs/command_job.h shows the shape) and one line there.

#include "jobs/job_kind.h"
#include "sweep/group_kind.h"

namespace labq {

/// The group kinds a sweep may name (command, dpu, qat, sim, synth), for
/// ParseSweep/LoadSweepFile and `labq params`. FindJobKind (jobs/job_kind.h)
/// is the run side of the same list.
const GroupKindTable& BuiltinKinds();

}  // namespace labq
