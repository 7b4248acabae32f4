#include "results/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <future>

#include "common/error.h"
#include "sweep/did_you_mean.h"

namespace labq {
namespace {

/// What people see in a cell whose metric a successful job did not store.
constexpr char kMissingCell[] = "n/a";

int DefaultPrecision(TableFormat format) {
  return format == TableFormat::kCsv || format == TableFormat::kJson ? 6 : 4;
}

/// A cell as people read it ("" for null).
std::string HumanCell(const nlohmann::json& v, int precision) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return FormatNumber(v.get<double>(), precision);
  return v.dump();
}

/// A cell for machines: rounded, shortest round-trip text.
std::string MachineCell(const nlohmann::json& v, int precision) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) {
    // nlohmann's shortest round-trip text keeps 0.0003 decimal (to_chars says 3e-04).
    std::string text = nlohmann::json(RoundSignificant(v.get<double>(), precision)).dump();
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0)
      text.resize(text.size() - 2);
    return text;
  }
  return v.dump();
}

/// A number, or the mark of a missing one (aligned with the numbers).
bool IsNumeric(const nlohmann::json& v) {
  return v.is_number() || (v.is_string() && v.get_ref<const std::string&>() == kMissingCell);
}

/// Per column: right-align when every non-empty cell is a number.
std::vector<bool> NumericColumns(const Table& table) {
  std::vector<bool> numeric(table.columns.size(), true);
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size() && i < numeric.size(); ++i) {
      if (!row[i].is_null() && !IsNumeric(row[i])) numeric[i] = false;
    }
  }
  return numeric;
}

/// Every row's cells as people read them, row after row in one vector (a
/// 10,000-row table is 200,000 cells: one allocation, not one per row).
struct HumanGrid {
  size_t columns = 0;
  std::vector<std::string> cells;
  size_t rows() const { return columns ? cells.size() / columns : 0; }
  const std::string& at(size_t row, size_t column) const { return cells[row * columns + column]; }
};

/// Rows [first, last) of the grid's cells.
void FillCells(const Table& table, int precision, size_t first, size_t last, HumanGrid& grid) {
  for (size_t r = first; r < last; ++r) {
    const auto& row = table.rows[r];
    for (size_t i = 0; i < grid.columns; ++i) {
      std::string& cell = grid.cells[r * grid.columns + i];
      cell = i < row.size() ? HumanCell(row[i], precision) : "";
      std::replace(cell.begin(), cell.end(), '\n', ' ');
    }
  }
}

/// From how many rows the cells are formatted on two threads: a 10,000-row
/// table formats 110,000 numbers, 40 ms on one core.
constexpr size_t kParallelRows = 4000;

HumanGrid HumanCells(const Table& table, int precision) {
  HumanGrid grid;
  grid.columns = table.columns.size();
  grid.cells.resize(table.rows.size() * grid.columns);
  const size_t rows = table.rows.size();
  if (rows < kParallelRows) {
    FillCells(table, precision, 0, rows, grid);
    return grid;
  }
  // Each half writes only its own cells: no shared state.
  auto second =
      std::async(std::launch::async, [&] { FillCells(table, precision, rows / 2, rows, grid); });
  FillCells(table, precision, 0, rows / 2, grid);
  second.get();
  return grid;
}

/// Terminal columns of UTF-8 text (each code point one column: "…" is one).
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string LatexEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '_':
      case '%':
      case '&':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '^':
        out += "\\^{}";
        break;
      case '~':
        out += "\\~{}";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

size_t Table::Index(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  throw Error("table has no column '" + name + "'");
}

TableFormat ParseTableFormat(const std::string& name) {
  if (name == "table" || name == "text") return TableFormat::kText;
  if (name == "csv") return TableFormat::kCsv;
  if (name == "json") return TableFormat::kJson;
  if (name == "markdown" || name == "md") return TableFormat::kMarkdown;
  if (name == "latex" || name == "tex") return TableFormat::kLatex;
  throw Error("--format: '" + name + "' is not one of table, csv, json, markdown, latex");
}

Table SelectColumns(const Table& table, const std::vector<std::string>& names) {
  std::vector<size_t> picked;
  for (const auto& name : names) {
    auto it = std::find_if(table.columns.begin(), table.columns.end(),
                           [&](const Column& c) { return c.name == name; });
    if (it == table.columns.end()) {
      std::string list;
      std::vector<std::string> all;
      for (const auto& c : table.columns) {
        list += (list.empty() ? "" : ", ") + c.name;
        all.push_back(c.name);
      }
      throw Error("--columns: no column '" + name + "'" + DidYouMean(name, all) +
                  " (columns: " + list + ")");
    }
    picked.push_back(static_cast<size_t>(it - table.columns.begin()));
  }
  Table out;
  for (size_t i : picked) out.columns.push_back(table.columns[i]);
  for (const auto& m : table.missing) {
    for (size_t k = 0; k < picked.size(); ++k) {
      if (picked[k] == m.column) out.missing.push_back({m.row, k, m.metric, m.job});
    }
  }
  for (const auto& row : table.rows) {
    std::vector<nlohmann::json> cut;
    for (size_t i : picked) cut.push_back(i < row.size() ? row[i] : nullptr);
    out.rows.push_back(std::move(cut));
  }
  return out;
}

std::string Render(const Table& full, const RenderOptions& options) {
  // A cut copy only when columns are picked (10,000 rows are worth not copying).
  std::optional<Table> cut;
  if (!options.columns.empty()) cut = SelectColumns(full, options.columns);
  const Table* table = cut ? &*cut : &full;
  // People see "n/a" where a metric is missing; CSV and JSON keep null.
  std::optional<Table> marked;
  const bool human = options.format == TableFormat::kText ||
                     options.format == TableFormat::kMarkdown ||
                     options.format == TableFormat::kLatex;
  if (human && !table->missing.empty()) {
    marked = *table;
    for (const auto& m : marked->missing) marked->rows[m.row][m.column] = kMissingCell;
    table = &*marked;
  }
  if (options.precision && (*options.precision < 1 || *options.precision > 17)) {
    throw Error("--precision: " + std::to_string(*options.precision) +
                " is not from 1 to 17 significant digits");
  }
  const int p = options.precision.value_or(DefaultPrecision(options.format));
  switch (options.format) {
    case TableFormat::kText:
      return RenderText(*table, p);
    case TableFormat::kCsv:
      return RenderCsv(*table, p);
    case TableFormat::kJson:
      return RenderJson(*table, p);
    case TableFormat::kMarkdown:
      return RenderMarkdown(*table, p);
    case TableFormat::kLatex:
      return RenderLatex(*table, p);
  }
  return RenderText(*table, p);
}

std::string RenderText(const Table& table, int precision) {
  const auto cells = HumanCells(table, precision);
  const auto numeric = NumericColumns(table);
  std::vector<size_t> widths;
  for (const auto& c : table.columns) widths.push_back(DisplayWidth(c.name));
  std::vector<size_t> cell_widths(cells.cells.size());
  for (size_t k = 0; k < cells.cells.size(); ++k) {
    cell_widths[k] = DisplayWidth(cells.cells[k]);
    size_t& width = widths[k % cells.columns];
    width = std::max(width, cell_widths[k]);
  }
  size_t line_width = 1;
  for (size_t w : widths) line_width += w + 2;
  std::string out;
  out.reserve(line_width * (cells.rows() + 2));
  // Appends in place: one string for the whole table, sized up front.
  auto cell = [&](size_t i, const std::string& text, size_t width, bool right) {
    if (i) out += "  ";
    const size_t pad = widths[i] - width;
    if (right) out.append(pad, ' ');
    out += text;
    if (!right) out.append(pad, ' ');
  };
  auto end_line = [&](size_t start) {
    while (out.size() > start && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  size_t start = out.size();
  for (size_t i = 0; i < widths.size(); ++i) {
    cell(i, table.columns[i].name, DisplayWidth(table.columns[i].name), false);
  }
  end_line(start);
  for (size_t i = 0; i < widths.size(); ++i) out += (i ? "  " : "") + std::string(widths[i], '-');
  out += "\n";
  for (size_t r = 0; r < cells.rows(); ++r) {
    start = out.size();
    for (size_t i = 0; i < widths.size(); ++i) {
      const size_t k = r * cells.columns + i;
      cell(i, cells.cells[k], cell_widths[k], numeric[i]);
    }
    end_line(start);
  }
  return out;
}

std::string RenderCsv(const Table& table, int precision) {
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
  std::vector<std::string> names;
  for (const auto& c : table.columns) names.push_back(c.name);
  std::string out = line(names);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      cells.push_back(i < row.size() ? MachineCell(row[i], precision) : "");
    }
    out += line(cells);
  }
  return out;
}

std::string RenderJson(const Table& table, int precision) {
  nlohmann::ordered_json out;
  out["columns"] = nlohmann::ordered_json::array();
  for (const auto& c : table.columns)
    out["columns"].push_back({{"name", c.name}, {"unit", c.unit}});
  out["rows"] = nlohmann::ordered_json::array();
  for (const auto& row : table.rows) {
    nlohmann::ordered_json obj = nlohmann::ordered_json::object();
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const nlohmann::json v = i < row.size() ? row[i] : nullptr;
      if (v.is_number_float()) {
        obj[table.columns[i].name] = RoundSignificant(v.get<double>(), precision);
      } else {
        obj[table.columns[i].name] = nlohmann::ordered_json::parse(v.dump());
      }
    }
    out["rows"].push_back(std::move(obj));
  }
  return out.dump(2) + "\n";
}

std::string RenderMarkdown(const Table& table, int precision) {
  const auto cells = HumanCells(table, precision);
  const auto numeric = NumericColumns(table);
  auto escape = [](const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  std::string out = "|";
  for (const auto& c : table.columns) out += " " + escape(c.name) + " |";
  out += "\n|";
  for (size_t i = 0; i < table.columns.size(); ++i) out += numeric[i] ? " ---: |" : " --- |";
  out += "\n";
  for (size_t r = 0; r < cells.rows(); ++r) {
    out += "|";
    for (size_t i = 0; i < cells.columns; ++i) out += " " + escape(cells.at(r, i)) + " |";
    out += "\n";
  }
  return out;
}

std::string RenderLatex(const Table& table, int precision) {
  const auto cells = HumanCells(table, precision);
  const auto numeric = NumericColumns(table);
  std::string spec;
  for (size_t i = 0; i < table.columns.size(); ++i) spec += numeric[i] ? "r" : "l";
  std::string out = "\\begin{tabular}{" + spec + "}\n\\hline\n";
  auto line = [&](auto&& text) {
    std::string s;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      s += (i ? " & " : "") + LatexEscape(text(i));
    }
    return s + " \\\\\n";
  };
  out += line([&](size_t i) { return table.columns[i].name; }) + "\\hline\n";
  for (size_t r = 0; r < cells.rows(); ++r) out += line([&](size_t i) { return cells.at(r, i); });
  return out + "\\hline\n\\end{tabular}\n";
}

// std::to_chars with a precision writes what printf's %.*e, %.*g and %.*f
// write (C++17 [charconv.to.chars]) without printf's format parsing and
// locale: a 10,000-row table formats 100,000 numbers.

std::vector<std::string> MissingMetricNotes(const Table& table, const std::string& name) {
  // Per metric and column, in the order first met.
  std::vector<std::pair<const MissingMetric*, std::vector<std::string>>> groups;
  for (const auto& m : table.missing) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.first->metric == m.metric && g.first->column == m.column;
    });
    if (it == groups.end()) it = groups.insert(groups.end(), {&m, {}});
    it->second.push_back(m.job);
  }
  std::vector<std::string> out;
  constexpr size_t kNamed = 5;
  for (const auto& [first, jobs] : groups) {
    std::string line = "table " + name + ": metric '" + first->metric + "' (column " +
                       table.columns.at(first->column).name + ") is missing for " +
                       std::to_string(jobs.size()) + (jobs.size() == 1 ? " job" : " jobs") +
                       " that succeeded: ";
    for (size_t i = 0; i < std::min(jobs.size(), kNamed); ++i) line += (i ? ", " : "") + jobs[i];
    if (jobs.size() > kNamed) line += " and " + std::to_string(jobs.size() - kNamed) + " more";
    out.push_back(line + "; shown as " + kMissingCell);
  }
  return out;
}

double RoundSignificant(double value, int digits) {
  if (value == 0 || !std::isfinite(value)) return value;
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value,
                                 std::chars_format::scientific, std::max(0, digits - 1))
                       .ptr;
  double rounded = value;
  std::from_chars(buffer, end, rounded);
  return rounded;
}

namespace {

std::string Chars(double value, std::chars_format format, int precision) {
  char buffer[400];  // %.17f of a value just under 1e6, with room to spare
  return std::string(buffer,
                     std::to_chars(buffer, buffer + sizeof buffer, value, format, precision).ptr);
}

}  // namespace

namespace {

/// FormatNumber's plain case, 1e-4 <= |value| < 1e6 after rounding, from a
/// single to_chars: its `digits` significant digits with the point put in
/// place and trailing zeros dropped (what %.*f of the rounded value prints).
/// nullopt outside that range. Most table cells take this path.
std::optional<std::string> FormatPlain(double value, int digits) {
  char buffer[64];
  const char* end = std::to_chars(buffer, buffer + sizeof buffer, value,
                                  std::chars_format::scientific, std::max(0, digits - 1))
                        .ptr;
  const char* e = std::find(static_cast<const char*>(buffer), end, 'e');
  int exponent = 0;
  std::from_chars(e + (e[1] == '+' ? 2 : 1), end, exponent);
  if (exponent < -4 || exponent >= 6) return std::nullopt;
  const bool negative = buffer[0] == '-';
  std::string mantissa;  // the significant digits, without sign and point
  for (const char* c = buffer + negative; c < e; ++c) {
    if (*c != '.') mantissa += *c;
  }
  if (mantissa.find_first_not_of('0') == std::string::npos) return "0";
  std::string out = negative ? "-" : "";
  if (exponent < 0) {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + mantissa;
  } else if (static_cast<size_t>(exponent) + 1 >= mantissa.size()) {
    out += mantissa + std::string(static_cast<size_t>(exponent) + 1 - mantissa.size(), '0');
  } else {
    out += mantissa.substr(0, static_cast<size_t>(exponent) + 1) + "." +
           mantissa.substr(static_cast<size_t>(exponent) + 1);
  }
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

}  // namespace

std::string FormatNumber(double value, int digits) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  if (value == 0) return "0";
  if (auto plain = FormatPlain(value, digits)) return *plain;
  const double r = RoundSignificant(value, digits);
  if (r == 0) return "0";
  const double magnitude = std::fabs(r);
  if (magnitude >= 1e6) {
    static const char* kPrefixes[] = {"M", "G", "T", "P", "E"};
    const int group = std::min(4, static_cast<int>(std::floor(std::log10(magnitude) / 3)) - 2);
    return Chars(r / std::pow(10.0, 3 * (group + 2)), std::chars_format::general, digits) +
           kPrefixes[group];
  }
  if (magnitude < 1e-4) return Chars(r, std::chars_format::general, digits);
  const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
  const int decimals = std::max(0, digits - 1 - exponent);
  std::string out = Chars(r, std::chars_format::fixed, decimals);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

std::string FormatFixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace labq
