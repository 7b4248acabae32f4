#pragma once
/// Part 2 jobs: `pretrain` trains the FP network once; `qat` runs one mode
/// (fp, q8, q4, nested) from those weights. Both run labqat, the LibTorch
/// trainer, as a subprocess (the orchestrator never links LibTorch) and store
/// its JSON lines: one per epoch and a final one.

#include "jobs/job_kind.h"

namespace labq {

class PretrainJob : public JobKind {
 public:
  std::string Name() const override { return "pretrain"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
};

class QatJob : public JobKind {
 public:
  std::string Name() const override { return "qat"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
};

/// labqat's path: $LABQAT, else beside this program's build folder
/// (build/qat/labqat), else `labqat` on PATH.
std::string FindLabqat();

/// Turns labqat's stdout (JSON lines) into metrics: epoch_<i>.<field> per
/// epoch and the final line's fields. Throws JobFailed without a final line.
JobOutput ParseLabqatOutput(const std::string& stdout_text, const std::string& file);

}  // namespace labq
