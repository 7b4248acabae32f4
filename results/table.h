#pragma once
/// A result table and its three renderings: aligned text for the terminal,
/// RFC 4180 CSV for spreadsheets and slides, JSON for scripts.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace labq {

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  /// Raw values for JSON (numbers stay numbers); same shape as rows.
  std::vector<std::vector<nlohmann::json>> values;

  void AddRow(std::vector<std::string> text, std::vector<nlohmann::json> raw);
};

enum class TableFormat { kText, kCsv, kJson };
TableFormat ParseTableFormat(const std::string& name);  ///< table|csv|json; throws labq::Error

std::string RenderText(const Table& table);
/// RFC 4180: CRLF line ends; fields with comma, quote, CR or LF are quoted and
/// quotes doubled.
std::string RenderCsv(const Table& table);
std::string RenderJson(const Table& table);
std::string Render(const Table& table, TableFormat format);

/// Engineering notation for tables: 1.23e+09 -> "1.230G".
std::string FormatSi(double value, int digits = 4);
std::string FormatFixed(double value, int decimals);

}  // namespace labq
