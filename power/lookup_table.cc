#include "power/lookup_table.h"

#include <cstddef>

namespace labq::power {
namespace {

/// The segment [i, i+1] that x falls in or extends, and x's fraction along it.
void Locate(const std::vector<double>& axis, double x, size_t& i, double& t) {
  if (axis.size() < 2) {
    i = 0;
    t = 0.0;
    return;
  }
  i = 0;
  while (i + 2 < axis.size() && x > axis[i + 1]) ++i;
  const double span = axis[i + 1] - axis[i];
  t = span == 0.0 ? 0.0 : (x - axis[i]) / span;
}

}  // namespace

double LookupTable::Lookup(double slew, double load) const {
  if (values.empty()) return 0.0;
  const size_t axes = indices.size();
  if (axes == 0) return values.front();
  size_t index[3] = {0, 0, 0};
  double frac[3] = {0, 0, 0};
  size_t size[3] = {1, 1, 1};
  for (size_t a = 0; a < axes && a < 3; ++a) {
    size[a] = indices[a].size();
    const double x = variables[a] == TableVariable::kInputTransition     ? slew
                     : variables[a] == TableVariable::kOutputCapacitance ? load
                                                                         : indices[a].front();
    Locate(indices[a], x, index[a], frac[a]);
  }
  // Multilinear interpolation over the 2^axes corners of the cell.
  double result = 0.0;
  const size_t corners = size_t{1} << (axes < 3 ? axes : 3);
  for (size_t corner = 0; corner < corners; ++corner) {
    double weight = 1.0;
    size_t flat = 0;
    for (size_t a = 0; a < 3; ++a) {
      size_t at = index[a];
      if (a < axes && size[a] > 1) {
        const bool upper = (corner >> a) & 1;
        at += upper ? 1 : 0;
        weight *= upper ? frac[a] : 1.0 - frac[a];
      } else if (a < axes && ((corner >> a) & 1)) {
        weight = 0.0;  // a one-point axis has one corner only
      }
      flat = flat * size[a] + at;
    }
    if (weight != 0.0 && flat < values.size()) result += weight * values[flat];
  }
  return result;
}

}  // namespace labq::power
