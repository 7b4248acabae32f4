#pragma once
/// Unit normalization shared by every parser: time in ns, power in W, area in
/// um^2. Reports write ps, nW, mW, ... and the store keeps one unit per
/// dimension so tables never mix them.

#include <optional>
#include <string>
#include <string_view>

#include "common/parsed_report.h"

namespace labq {

enum class Dimension { kTime, kPower, kArea, kCount, kNone };

/// Canonical unit string of a dimension: "ns", "W", "um^2", "count", "".
std::string_view CanonicalUnit(Dimension dimension);

/// Factor that converts a value in `unit` into the canonical unit of its
/// dimension (e.g. "ps" -> 1e-3 to ns, "mW" -> 1e-3 to W). nullopt when the
/// unit is not one of that dimension's.
std::optional<double> ToCanonicalFactor(Dimension dimension, std::string_view unit);

/// Builds a Quantity from a value in `unit`, converting to the canonical unit.
/// Throws labq::Error when the unit is unknown for the dimension.
Quantity MakeQuantity(Dimension dimension, double value, std::string_view unit, int line = 0);

}  // namespace labq
