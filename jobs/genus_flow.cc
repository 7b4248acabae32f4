#include "jobs/genus_flow.h"

namespace labq {

JobOutput RunGenusFlow(const JobContext& context, StepRunner& runner) {
  (void)runner;
  const std::string genus = context.params.value("genus_path", "genus");
  if (!FindExecutable(genus)) {
    throw JobFailed("genus not found; set genus_path or use flow: yosys-sta");
  }
  throw JobFailed("flow: genus is not implemented yet");
}

}  // namespace labq
