#pragma once
/// A result table and its renderings: aligned text for the terminal, RFC 4180
/// CSV for spreadsheets, JSON for scripts, Markdown and LaTeX for slides.
/// Cells hold raw values (numbers stay numbers); every format rounds numbers
/// to the same number of significant digits, so no format carries float
/// noise and none hides a small value behind fixed decimals.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace labq {

struct Column {
  std::string name;  ///< carries its unit where it has one: f_MHz, OPS_per_s
  std::string unit;  ///< "" for words and counts; JSON lists it beside the name
};

/// A cell left null because a job that succeeded stored no value for the
/// metric its column shows (a flow that stopped writing it, or a misspelt
/// name): people see "n/a" and a note, CSV and JSON keep an empty cell/null.
struct MissingMetric {
  size_t row = 0;
  size_t column = 0;
  std::string metric;  ///< the stored name the table looked for
  std::string job;     ///< the job's name, for the note
};

struct Table {
  std::vector<Column> columns;
  /// Same width as columns: strings, numbers, booleans or null (empty cell).
  std::vector<std::vector<nlohmann::json>> rows;
  std::vector<MissingMetric> missing;

  void AddRow(std::vector<nlohmann::json> row) { rows.push_back(std::move(row)); }
  /// AddRow for long tables: each cell is built in place (a braced list
  /// would copy every string cell once more).
  template <typename... Cells>
  void Add(Cells&&... cells) {
    auto& row = rows.emplace_back();
    row.reserve(sizeof...(cells));
    (row.emplace_back(std::forward<Cells>(cells)), ...);
  }
  /// A column's index by name; throws labq::Error when there is none.
  size_t Index(const std::string& name) const;
};

enum class TableFormat { kText, kCsv, kJson, kMarkdown, kLatex };
/// table|csv|json|markdown|latex; throws labq::Error naming the choices.
TableFormat ParseTableFormat(const std::string& name);

struct RenderOptions {
  TableFormat format = TableFormat::kText;
  /// Significant digits; nullopt: 4 for text/markdown/latex, 6 for csv/json.
  std::optional<int> precision;
  /// Only these columns, in this order (empty: all), for a slide.
  std::vector<std::string> columns;
};

/// The table cut to `names` in that order; throws labq::Error naming the
/// columns there are for an unknown name.
Table SelectColumns(const Table& table, const std::vector<std::string>& names);

std::string Render(const Table& table, const RenderOptions& options);
std::string RenderText(const Table& table, int precision = 4);
/// RFC 4180: CRLF line ends; fields with comma, quote, CR or LF are quoted and
/// quotes doubled. Numbers are the shortest text of the rounded value.
std::string RenderCsv(const Table& table, int precision = 6);
/// {"columns": [{"name", "unit"}...], "rows": [{name: value...}...]}, rows'
/// keys in column order.
std::string RenderJson(const Table& table, int precision = 6);
std::string RenderMarkdown(const Table& table, int precision = 4);
std::string RenderLatex(const Table& table, int precision = 4);

/// One line per metric some successful jobs lack, naming the column and up
/// to five jobs ("table dpu: metric 'power_total' (column power_mW) is missing
/// for 2 jobs that succeeded: s_4, s_8; shown as n/a"); none when nothing is.
std::vector<std::string> MissingMetricNotes(const Table& table, const std::string& name);

/// `value` rounded to `digits` significant digits (as a double).
double RoundSignificant(double value, int digits);
/// For people: `digits` significant digits, no trailing zeros, SI prefixes
/// from a million up (3.433e9 -> "3.433G"), e-notation below 1e-4.
std::string FormatNumber(double value, int digits = 4);
std::string FormatFixed(double value, int decimals);

}  // namespace labq
