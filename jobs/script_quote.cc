#include "jobs/script_quote.h"

#include <cstdio>

#include "common/error.h"

namespace labq {

bool IsPlainWord(std::string_view value) {
  if (value.empty()) return false;
  for (unsigned char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '.' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

namespace {

/// Inside braces TCL substitutes nothing; only a backslash (line
/// continuation, escaped braces) and unbalanced braces break that.
bool BracesAreLiteral(std::string_view value) {
  int depth = 0;
  for (char c : value) {
    if (c == '\\') return false;
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0) return false;
  }
  return depth == 0;
}

}  // namespace

std::string TclWord(std::string_view value) {
  if (IsPlainWord(value)) return std::string(value);
  if (BracesAreLiteral(value)) return "{" + std::string(value) + "}";
  std::string out;
  for (unsigned char c : value) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c >= 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      // \uHHHH takes exactly four hex digits, so the next character is safe.
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      // A backslash before punctuation or a space is that character, literally.
      out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string YosysWord(std::string_view value) {
  if (IsPlainWord(value)) return std::string(value);
  for (char c : value) {
    if (c == '"' || c == '\n' || c == '\r' || c == '\0') {
      throw Error("'" + std::string(value) +
                  "' cannot be quoted for a Yosys script (it holds a double quote, a line break "
                  "or a NUL)");
    }
  }
  return "\"" + std::string(value) + "\"";
}

}  // namespace labq
