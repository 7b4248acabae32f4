#pragma once
/// Synthesis with Cadence Genus (flow: genus): renders the lab-style TCL,
/// launches `genus -batch`, and parses its reports with genus/ parsers.

#include "jobs/dpu_kind.h"

namespace labq {

JobOutput RunGenusFlow(const DpuParams& params, const JobContext& context, StepRunner& runner);

/// The probe pass of `auto` on Genus: one run at kProbePeriodNs; returns the
/// critical period.
double GenusCriticalPeriodNs(const DpuParams& params, const JobContext& context,
                             StepRunner& runner);

}  // namespace labq
