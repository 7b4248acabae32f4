#include "common/units.h"

#include <array>
#include <utility>

#include "common/error.h"

namespace labq {

std::string_view CanonicalUnit(Dimension dimension) {
  switch (dimension) {
    case Dimension::kTime:
      return "ns";
    case Dimension::kPower:
      return "W";
    case Dimension::kArea:
      return "um^2";
    case Dimension::kCount:
      return "count";
    case Dimension::kNone:
      return "";
  }
  return "";
}

std::optional<double> ToCanonicalFactor(Dimension dimension, std::string_view unit) {
  using Entry = std::pair<std::string_view, double>;
  static constexpr std::array kTime = {Entry{"fs", 1e-6}, Entry{"ps", 1e-3}, Entry{"ns", 1.0},
                                       Entry{"us", 1e3},  Entry{"ms", 1e6},  Entry{"s", 1e9}};
  static constexpr std::array kPower = {Entry{"fW", 1e-15}, Entry{"pW", 1e-12}, Entry{"nW", 1e-9},
                                        Entry{"uW", 1e-6},  Entry{"mW", 1e-3},  Entry{"W", 1.0}};
  static constexpr std::array kArea = {Entry{"um^2", 1.0}, Entry{"um2", 1.0}, Entry{"mm^2", 1e6},
                                       Entry{"mm2", 1e6}, Entry{"nm^2", 1e-6}};
  auto lookup = [unit](const auto& table) -> std::optional<double> {
    for (const auto& [name, factor] : table) {
      if (name == unit) return factor;
    }
    return std::nullopt;
  };
  switch (dimension) {
    case Dimension::kTime:
      return lookup(kTime);
    case Dimension::kPower:
      return lookup(kPower);
    case Dimension::kArea:
      return lookup(kArea);
    case Dimension::kCount:
      return unit.empty() || unit == "count" ? std::optional<double>(1.0) : std::nullopt;
    case Dimension::kNone:
      return 1.0;
  }
  return std::nullopt;
}

Quantity MakeQuantity(Dimension dimension, double value, std::string_view unit, int line) {
  auto factor = ToCanonicalFactor(dimension, unit);
  if (!factor) throw Error("unknown unit '" + std::string(unit) + "'");
  Quantity q;
  q.value = value * *factor;
  q.unit = std::string(CanonicalUnit(dimension));
  q.original_value = value;
  q.original_unit = std::string(unit);
  q.line = line;
  return q;
}

}  // namespace labq
