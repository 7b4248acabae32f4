#pragma once
/// A Liberty lookup table (NLDM timing or internal power) with its axes
/// named by their variables, interpolated like OpenSTA does: linear between
/// breakpoints, extrapolated linearly from the two end points outside them.

#include <vector>

namespace labq::power {

enum class TableVariable { kInputTransition, kOutputCapacitance, kOther };

struct LookupTable {
  std::vector<TableVariable> variables;      ///< one per axis (0 to 3 axes)
  std::vector<std::vector<double>> indices;  ///< breakpoints per axis, liberty units
  std::vector<double> values;                ///< row-major, first axis slowest

  /// The value at an input slew and an output load (liberty units); axes of
  /// other variables are read at their first breakpoint.
  double Lookup(double slew, double load) const;
};

}  // namespace labq::power
