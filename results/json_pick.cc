#include "results/json_pick.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include "common/error.h"

namespace labq {
namespace {

/// A cursor over the document; each step throws on anything unexpected.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  char Peek() {
    SkipSpace();
    if (pos_ == text_.size()) Fail("unexpected end");
    return text_[pos_];
  }
  void Expect(char c) {
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  /// A key's characters (between the quotes; escapes refused).
  std::string_view Key() {
    Expect('"');
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') Fail("escaped key");
      ++pos_;
    }
    if (pos_ == text_.size()) Fail("unterminated key");
    return text_.substr(start, pos_++ - start);
  }
  /// The text of one value (string, number, literal, array or object).
  std::string_view Value() {
    const size_t start = (SkipSpace(), pos_);
    int depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        SkipString();
        if (depth == 0) break;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) break;  // the end of the enclosing object
        if (--depth == 0) {
          ++pos_;
          break;
        }
      }
      if (c == ',' && depth == 0) break;
      ++pos_;
    }
    if (depth != 0 || pos_ == start) Fail("bad value");
    return text_.substr(start, pos_ - start);
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void SkipString() {
    for (++pos_; pos_ < text_.size(); ++pos_) {
      if (text_[pos_] == '\\') {
        ++pos_;
      } else if (text_[pos_] == '"') {
        ++pos_;
        return;
      }
    }
    Fail("unterminated string");
  }
  [[noreturn]] void Fail(const std::string& what) const {
    throw Error("JSON object: " + what + " at offset " + std::to_string(pos_));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

/// Whether `t` is a number in JSON's grammar (RFC 8259 section 6).
bool IsJsonNumber(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    return i > start;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.' && (++i, !digits())) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

/// A value's JSON: plain ASCII strings, numbers and literals directly
/// (json::parse has a fixed cost near a microsecond, five per job), the
/// rest through json::parse. Types as json::parse gives them: a number
/// without fraction or exponent is an integer, unsigned unless negative.
nlohmann::json ParseValue(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.size() >= 2 && text.front() == '"' && text.find_first_of("\\\"", 1) == text.size() - 1 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
    return std::string(text.substr(1, text.size() - 2));
  }
  if (text == "true") return true;
  if (text == "false") return false;
  if (text == "null") return nullptr;
  if (IsJsonNumber(text)) {
    const char* first = text.data();
    const char* last = first + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos) {
      int64_t integer = 0;
      if (std::from_chars(first, last, integer).ec == std::errc()) {
        if (text.front() == '-') return integer;
        return static_cast<uint64_t>(integer);
      }
    } else {
      double real = 0;  // from_chars rounds correctly, as json::parse's strtod does
      if (std::from_chars(first, last, real).ec == std::errc()) return real;
    }
  }
  return nlohmann::json::parse(text);
}

}  // namespace

nlohmann::json PickKeys(std::string_view text, const std::vector<std::string>& keys) {
  nlohmann::json out = nlohmann::json::object();
  Scanner s(text);
  s.Expect('{');
  if (s.Peek() == '}') {
    s.Expect('}');
  } else {
    for (;;) {
      const std::string_view key = s.Key();
      s.Expect(':');
      const std::string_view value = s.Value();
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
        out[std::string(key)] = ParseValue(value);
      }
      if (s.Peek() == '}') break;
      s.Expect(',');
    }
    s.Expect('}');
  }
  if (!s.AtEnd()) throw Error("JSON object: text after the closing brace");
  return out;
}

}  // namespace labq
