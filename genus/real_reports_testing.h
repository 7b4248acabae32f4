#pragma once
/// Helpers for the tests that read real Genus reports from
/// ../shared/fixtures/real_reports/genus/<kind>/: expected numbers are written
/// as the report prints them (ps, nW, um^2) and checked both as read and as
/// normalized, so a wrong unit conversion fails as surely as a misread.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/parsed_report.h"
#include "common/text.h"
#include "genus/report_kind.h"
#include "tests/test_paths.h"

namespace labq::genus::testing {

inline std::string RealReportPath(std::string_view kind, std::string_view name) {
  return (std::filesystem::path(labq::testing::RealReportsDir()) / "genus" / kind / name).string();
}

inline ParsedReport ParseRealReport(std::string_view kind, std::string_view name) {
  std::string path = RealReportPath(kind, name);
  return ParseGenusReport(kind, ReadFile(path), path);
}

/// File names in genus/<kind>/, sorted.
inline std::set<std::string> RealReportNames(std::string_view kind) {
  std::set<std::string> names;
  std::filesystem::path dir =
      std::filesystem::path(labq::testing::RealReportsDir()) / "genus" / kind;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) names.insert(entry.path().filename().string());
  }
  return names;
}

/// Tight relative tolerance: the parsers must reproduce the printed digits.
inline double Tolerance(double expected) { return 1e-9 * std::abs(expected); }

/// Expects values[name] to be `printed` in `printed_unit` as the report wrote
/// it, and `printed * factor` in the canonical unit `unit`.
inline void ExpectQuantity(const ParsedReport& report, const std::string& name, double printed,
                           std::string_view printed_unit, double factor, std::string_view unit) {
  auto it = report.values.find(name);
  ASSERT_NE(it, report.values.end()) << report.file << ": no value '" << name << "'";
  EXPECT_NEAR(it->second.original_value, printed, Tolerance(printed)) << report.file << " " << name;
  EXPECT_EQ(it->second.original_unit, printed_unit) << report.file << " " << name;
  EXPECT_NEAR(it->second.value, printed * factor, Tolerance(printed * factor))
      << report.file << " " << name;
  EXPECT_EQ(it->second.unit, unit) << report.file << " " << name;
  EXPECT_GT(it->second.line, 0) << report.file << " " << name;
}

inline void ExpectPs(const ParsedReport& r, const std::string& name, double ps) {
  ExpectQuantity(r, name, ps, "ps", 1e-3, "ns");
}
inline void ExpectUm2(const ParsedReport& r, const std::string& name, double um2) {
  ExpectQuantity(r, name, um2, "um^2", 1.0, "um^2");
}
inline void ExpectCount(const ParsedReport& r, const std::string& name, double count) {
  ExpectQuantity(r, name, count, "count", 1.0, "count");
}
inline void ExpectNw(const ParsedReport& r, const std::string& name, double nw) {
  ExpectQuantity(r, name, nw, "nW", 1e-9, "W");
}
inline void ExpectW(const ParsedReport& r, const std::string& name, double w) {
  ExpectQuantity(r, name, w, "W", 1.0, "W");
}

inline void ExpectText(const ParsedReport& r, const std::string& name, std::string_view text) {
  auto it = r.texts.find(name);
  if (text.empty()) {
    EXPECT_EQ(it, r.texts.end()) << r.file << ": unexpected text '" << name << "'";
    return;
  }
  ASSERT_NE(it, r.texts.end()) << r.file << ": no text '" << name << "'";
  EXPECT_EQ(it->second, text) << r.file << " " << name;
}

/// The row named `name` (first match), or nullptr.
inline const std::map<std::string, Quantity>* FindRow(const ParsedReport& r,
                                                      std::string_view name) {
  for (const auto& [row_name, row] : r.rows) {
    if (row_name == name) return &row;
  }
  return nullptr;
}

}  // namespace labq::genus::testing
