#include "jobs/kind_registry.h"

#include <type_traits>

#include "jobs/command_job.h"
#include "jobs/dpu_kind.h"
#include "jobs/hw_eval_job.h"
#include "jobs/period_probe.h"
#include "jobs/qat_job.h"
#include "jobs/sim_job.h"
#include "jobs/synth_job.h"

namespace labq {
namespace {

/// One kind's sides: what a sweep group may name, and what runs.
struct KindEntry {
  const GroupKind* group = nullptr;
  const JobKind* job = nullptr;
};

/// The entry of a kind class that is a GroupKind, a JobKind or both.
template <class Kind>
KindEntry Entry() {
  static const Kind kind;
  KindEntry entry;
  if constexpr (std::is_base_of_v<GroupKind, Kind>) entry.group = &kind;
  if constexpr (std::is_base_of_v<JobKind, Kind>) entry.job = &kind;
  return entry;
}

/// Group kinds first in the order `labq params` and error messages list them.
const std::vector<KindEntry>& Entries() {
  static const std::vector<KindEntry> entries = {
      Entry<CommandKind>(), Entry<DpuKind>(),  Entry<QatKind>(),     Entry<HwEvalKind>(),
      Entry<SimJob>(),      Entry<SynthJob>(), Entry<PretrainJob>(), Entry<SynthProbeJob>(),
  };
  return entries;
}

}  // namespace

const GroupKindTable& BuiltinKinds() {
  static const GroupKindTable table = [] {
    std::vector<const GroupKind*> kinds;
    for (const auto& entry : Entries()) {
      if (entry.group) kinds.push_back(entry.group);
    }
    return GroupKindTable(std::move(kinds));
  }();
  return table;
}

const JobKind* FindJobKind(const std::string& name) {
  for (const auto& entry : Entries()) {
    if (entry.job && entry.job->Name() == name) return entry.job;
  }
  return nullptr;
}

}  // namespace labq
