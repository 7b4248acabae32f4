#include "genus/report_lines.h"

#include <cctype>

#include "common/error.h"
#include "common/text.h"

namespace labq::genus {

void FailAt(const std::string& file, int line, const std::string& message) {
  throw InputError(SourceLocation{file, line, 0}, "", message);
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

std::optional<double> ParseNumber(std::string_view token) {
  if (token.empty()) return std::nullopt;
  if (token.back() == '%') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  // Only plain decimal numbers: from_chars would also take "inf" and "nan",
  // which are legal instance names.
  char first = token.front();
  bool starts_numeric = std::isdigit(static_cast<unsigned char>(first)) || first == '.' ||
                        ((first == '-' || first == '+') && token.size() > 1);
  if (!starts_numeric) return std::nullopt;
  return ParseDouble(token);
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

}  // namespace labq::genus
