#pragma once
/// The `clock_period_ns: auto` rule shared by both synthesis flows: time the
/// design at a relaxed probe clock, then report at its critical period.

#include <string>

namespace labq {

/// The probe clock: relaxed enough that every DPU path meets it.
inline constexpr double kProbePeriodNs = 1000.0;

/// The critical period from a probe run's slack, rounded up to a whole
/// picosecond so the final run meets timing (slack >= 0).
double CriticalPeriodNs(double probe_period_ns, double probe_slack_ns);

/// A period or delay as written into SDC/TCL: plain decimal, 6 significant digits.
std::string FormatNs(double ns);

}  // namespace labq
