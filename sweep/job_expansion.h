#pragma once
/// Turns validated parameter sets of a group into jobs, through the group's
/// kind (each kind's expansion is its GroupKind::Expand, in jobs/).

#include <vector>

#include "sweep/group_kind.h"

namespace labq {

/// Appends the group's jobs to `sweep`, each configuration through its kind in
/// `kinds`. Throws InputError pointing at the offending value.
void AppendJobs(const std::vector<ExpandedConfig>& configs, const GroupKindTable& kinds,
                Sweep& sweep);

}  // namespace labq
