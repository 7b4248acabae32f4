#include "jobs/clock_period.h"

#include <cmath>
#include <sstream>

namespace labq {

double CriticalPeriodNs(double probe_period_ns, double probe_slack_ns) {
  const double critical = probe_period_ns - probe_slack_ns;
  return std::ceil(critical * 1000.0 - 1e-6) / 1000.0;
}

std::string FormatNs(double ns) {
  std::ostringstream out;
  out.precision(6);
  out << ns;
  return out.str();
}

}  // namespace labq
