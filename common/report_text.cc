#include "common/report_text.h"

#include <cctype>
#include <cmath>

#include "common/error.h"
#include "common/text.h"

namespace labq {

std::optional<std::size_t> FindLine(const std::vector<std::string>& lines, std::size_t from,
                                    const std::function<bool(std::string_view)>& match) {
  for (std::size_t i = from; i < lines.size(); ++i) {
    if (match(lines[i])) return i;
  }
  return std::nullopt;
}

int FirstContentLine(const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!Trim(lines[i]).empty()) return LineNumber(i);
  }
  return 1;
}

void FailAt(const std::string& file, int line, const std::string& message, const std::string& key) {
  throw InputError(SourceLocation{file, line, 0}, key, message);
}

std::string Excerpt(std::string_view line) {
  constexpr std::size_t kMax = 80;
  line = Trim(line);
  if (line.size() <= kMax) return "'" + std::string(line) + "'";
  return "'" + std::string(line.substr(0, kMax)) + "...' (" + std::to_string(line.size()) +
         " characters)";
}

std::optional<double> ParseNumber(std::string_view token, PercentSign percent) {
  token = Trim(token);
  if (percent == PercentSign::kStrip && !token.empty() && token.back() == '%') {
    token.remove_suffix(1);
  }
  // Sign, then a digit or '.': this alone keeps out "inf", "nan" and words.
  std::size_t digits = token.empty() || (token[0] != '-' && token[0] != '+') ? 0 : 1;
  if (digits >= token.size()) return std::nullopt;
  char first = token[digits];
  if (!std::isdigit(static_cast<unsigned char>(first)) && first != '.') return std::nullopt;
  auto value = ParseDouble(token);
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return value;
}

std::optional<std::pair<double, std::string>> SplitNumberUnit(std::string_view token) {
  std::size_t end = 0;
  while (end < token.size()) {
    char c = token[end];
    bool numeric = std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '+' ||
                   c == '-' ||
                   ((c == 'e' || c == 'E') && end + 1 < token.size() &&
                    (std::isdigit(static_cast<unsigned char>(token[end + 1])) ||
                     token[end + 1] == '-' || token[end + 1] == '+'));
    if (!numeric) break;
    ++end;
  }
  auto value = ParseNumber(token.substr(0, end));
  if (!value) return std::nullopt;
  return std::make_pair(*value, std::string(token.substr(end)));
}

Quantity QuantityAt(const std::string& file, int line, Dimension dimension, double value,
                    std::string_view unit) {
  if (!ToCanonicalFactor(dimension, unit)) {
    FailAt(file, line, "unknown unit '" + std::string(unit) + "'");
  }
  return MakeQuantity(dimension, value, unit, line);
}

bool IsRule(std::string_view line) {
  int marks = 0;
  for (char c : line) {
    if (c == '-' || c == '=') {
      ++marks;
    } else if (c != '#' && c != ' ' && c != '\t') {
      return false;
    }
  }
  return marks >= 3;
}

std::size_t Indent(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

std::string SnakeCase(std::string_view label) {
  std::string out;
  bool pending_separator = false;
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (pending_separator && !out.empty()) out += '_';
      pending_separator = false;
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      pending_separator = true;
    }
  }
  return out;
}

std::string HierarchyNamer::Name(std::size_t indent, const std::string& instance) {
  while (!stack_.empty() && stack_.back().first >= indent) stack_.pop_back();
  std::string path = stack_.empty() ? instance : stack_.back().second + "/" + instance;
  stack_.emplace_back(indent, path);
  return path;
}

TableRow SplitTableRow(std::string_view line) {
  TableRow row;
  auto tokens = SplitWhitespace(line);
  std::size_t i = 0;
  for (; i < tokens.size(); ++i) {
    if (auto value = ParseNumber(tokens[i])) {
      row.numbers.push_back(*value);
      continue;
    }
    // Edge marks sit between the Time column and the description.
    if (!row.numbers.empty() && (tokens[i] == "^" || tokens[i] == "v")) continue;
    break;
  }
  for (; i < tokens.size(); ++i) {
    if (!row.description.empty()) row.description += ' ';
    row.description += tokens[i];
  }
  return row;
}

}  // namespace labq
