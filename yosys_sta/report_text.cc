#include "yosys_sta/report_text.h"

#include "common/error.h"
#include "common/text.h"

namespace labq::yosys_sta {

void FailAt(const std::string& file, int line, const std::string& message) {
  throw InputError(SourceLocation{file, line, 0}, "", message);
}

std::string Excerpt(std::string_view line) {
  constexpr size_t kMax = 80;
  line = Trim(line);
  if (line.size() <= kMax) return "'" + std::string(line) + "'";
  return "'" + std::string(line.substr(0, kMax)) + "...' (" + std::to_string(line.size()) +
         " characters)";
}

int FirstContentLine(const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!Trim(lines[i]).empty()) return static_cast<int>(i) + 1;
  }
  return 1;
}

TableRow SplitTableRow(std::string_view line) {
  TableRow row;
  auto tokens = SplitWhitespace(line);
  size_t i = 0;
  for (; i < tokens.size(); ++i) {
    if (auto value = ParseDouble(tokens[i])) {
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

}  // namespace labq::yosys_sta
