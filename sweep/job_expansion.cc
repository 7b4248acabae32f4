#include "sweep/job_expansion.h"

namespace labq {

void AppendJobs(const std::vector<ExpandedConfig>& configs, const GroupKindTable& kinds,
                Sweep& sweep) {
  JobNames names(sweep);  // per group: pretraining is shared within a group only
  for (const auto& config : configs) {
    const GroupKind* kind = kinds.Find(config.kind);
    if (!kind) throw InputError(config.group_where, "kind", "'" + config.kind + "' is unknown");
    kind->Expand(config, names, sweep);
  }
}

}  // namespace labq
