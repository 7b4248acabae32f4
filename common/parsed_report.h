#pragma once
/// What every report parser (Genus, Yosys, OpenSTA) returns: named quantities
/// normalized to one unit per dimension, each keeping the unit the tool wrote.

#include <map>
#include <string>
#include <vector>

namespace labq {

/// One number read from a report. `value` is in the normalized `unit`
/// (ns, W, um^2, count, ...); `original_value`/`original_unit` are what the
/// report said, so a user can check the conversion by eye.
struct Quantity {
  double value = 0;
  std::string unit;
  double original_value = 0;
  std::string original_unit;
  int line = 0;  ///< 1-based line of the report the value came from.
};

struct ParsedReport {
  std::string tool;  ///< "genus", "yosys", "opensta"
  std::string kind;  ///< "timing", "area", "power", "gates", "qor", "stat", "checks"
  std::string file;
  std::map<std::string, Quantity> values;    ///< e.g. "slack" -> -0.12 ns
  std::map<std::string, std::string> texts;  ///< e.g. "startpoint", "version"
  /// Repeated rows (gate lists, per-group power) as name -> quantities.
  std::vector<std::pair<std::string, std::map<std::string, Quantity>>> rows;

  bool Has(const std::string& name) const { return values.count(name) > 0; }
  /// The value of `name`; throws labq::Error naming the report if absent.
  double Get(const std::string& name) const;
};

}  // namespace labq
