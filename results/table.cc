#include "results/table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "common/error.h"

namespace labq {

void Table::AddRow(std::vector<std::string> text, std::vector<nlohmann::json> raw) {
  rows.push_back(std::move(text));
  values.push_back(std::move(raw));
}

TableFormat ParseTableFormat(const std::string& name) {
  if (name == "table" || name == "text") return TableFormat::kText;
  if (name == "csv") return TableFormat::kCsv;
  if (name == "json") return TableFormat::kJson;
  throw Error("--format: '" + name + "' is not one of table, csv, json");
}

std::string RenderText(const Table& table) {
  std::vector<size_t> widths(table.headers.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {  // newlines print as spaces
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(table.headers);
  for (const auto& row : table.rows) measure(row);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      std::replace(cell.begin(), cell.end(), '\n', ' ');
      if (i) out += "  ";
      // Numbers right-aligned, words left-aligned.
      const bool numeric = !cell.empty() && (std::isdigit(static_cast<unsigned char>(cell[0])) ||
                                             cell[0] == '-' || cell[0] == '+');
      const std::string pad(widths[i] - cell.size(), ' ');
      out += numeric ? pad + cell : cell + pad;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(table.headers);
  std::string rule;
  for (size_t i = 0; i < widths.size(); ++i) rule += (i ? "  " : "") + std::string(widths[i], '-');
  out += rule + "\n";
  for (const auto& row : table.rows) out += line(row);
  return out;
}

std::string RenderCsv(const Table& table) {
  auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  };
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + field(row[i]);
    return out + "\r\n";
  };
  std::string out = line(table.headers);
  for (const auto& row : table.values) {
    std::vector<std::string> cells;
    for (const auto& v : row) {
      if (v.is_string()) {
        cells.push_back(v.get<std::string>());
      } else if (v.is_null()) {
        cells.push_back("");
      } else {
        cells.push_back(v.dump());
      }
    }
    out += line(cells);
  }
  return out;
}

std::string RenderJson(const Table& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : table.values) {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t i = 0; i < row.size() && i < table.headers.size(); ++i) {
      obj[table.headers[i]] = row[i];
    }
    rows.push_back(obj);
  }
  return rows.dump(2) + "\n";
}

std::string Render(const Table& table, TableFormat format) {
  switch (format) {
    case TableFormat::kText:
      return RenderText(table);
    case TableFormat::kCsv:
      return RenderCsv(table);
    case TableFormat::kJson:
      return RenderJson(table);
  }
  return RenderText(table);
}

std::string FormatSi(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return FormatFixed(value, 0);
  static const char* kPrefixes[] = {"f", "p", "n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
  int exponent = static_cast<int>(std::floor(std::log10(std::fabs(value)) / 3));
  exponent = std::clamp(exponent, -5, 6);
  const double scaled = value / std::pow(10.0, 3 * exponent);
  const int integer_digits = std::fabs(scaled) >= 100 ? 3 : std::fabs(scaled) >= 10 ? 2 : 1;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f%s", std::max(0, digits - integer_digits), scaled,
                kPrefixes[exponent + 5]);
  return buffer;
}

std::string FormatFixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace labq
