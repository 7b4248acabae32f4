#include "power/liberty_syntax.h"

#include <cctype>

#include "common/error.h"

namespace labq::power {

const LibertyAttribute* LibertyGroup::Find(std::string_view name) const {
  for (const auto& attribute : attributes)
    if (attribute.name == name) return &attribute;
  return nullptr;
}

const std::string* LibertyGroup::Value(std::string_view name) const {
  const LibertyAttribute* attribute = Find(name);
  if (attribute == nullptr || attribute->values.empty()) return nullptr;
  return &attribute->values.front();
}

const std::string& LibertyGroup::Name() const {
  static const std::string kEmpty;
  return args.empty() ? kEmpty : args.front();
}

namespace {

enum class TokenKind { kWord, kString, kPunct, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;
  int line = 0;
  int column = 0;
};

/// A hand-written scanner: Sky130's 13 MB liberty must read in a fraction
/// of a second, so tokens are views into the text and nothing is copied
/// until the parser keeps a value.
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  Token Next() {
    SkipBlanks();
    Token token;
    token.line = line_;
    token.column = static_cast<int>(pos_ - line_start_) + 1;
    if (pos_ >= text_.size()) return token;
    const char c = text_[pos_];
    if (c == '"') return QuotedString(token);
    if (IsPunct(c)) {
      token.kind = TokenKind::kPunct;
      token.text = text_.substr(pos_, 1);
      ++pos_;
      return token;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && !IsPunct(text_[pos_]) && text_[pos_] != '"' &&
           !std::isspace(static_cast<unsigned char>(text_[pos_])) && !AtComment() &&
           !AtContinuation())
      ++pos_;
    token.kind = TokenKind::kWord;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }

  /// True when only blanks separate the last token from the next newline
  /// (a simple attribute may end at the line's end without a `;`).
  bool NewlineBeforeNextToken() {
    size_t p = pos_;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
    return p >= text_.size() || text_[p] == '\n';
  }

  [[noreturn]] void Fail(const Token& at, const std::string& message) const {
    throw InputError({file_, at.line, at.column}, "liberty", message);
  }

 private:
  static bool IsPunct(char c) {
    return c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',';
  }
  bool AtComment() const {
    return pos_ + 1 < text_.size() && text_[pos_] == '/' &&
           (text_[pos_ + 1] == '*' || text_[pos_ + 1] == '/');
  }
  bool AtContinuation() const {
    if (text_[pos_] != '\\') return false;
    size_t p = pos_ + 1;
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\r')) ++p;
    return p >= text_.size() || text_[p] == '\n';
  }
  void Newline() {
    ++line_;
    line_start_ = pos_ + 1;
  }
  void SkipBlanks() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        Newline();
        ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (AtContinuation()) {
        ++pos_;  // the newline itself is counted on the next turn
      } else if (AtComment() && text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (AtComment()) {
        Token start{TokenKind::kEnd, {}, line_, static_cast<int>(pos_ - line_start_) + 1};
        pos_ += 2;
        while (pos_ + 1 < text_.size() && !(text_[pos_] == '*' && text_[pos_ + 1] == '/')) {
          if (text_[pos_] == '\n') Newline();
          ++pos_;
        }
        if (pos_ + 1 >= text_.size()) Fail(start, "unterminated comment");
        pos_ += 2;
      } else {
        return;
      }
    }
  }
  Token QuotedString(Token token) {
    const size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\n') Newline();
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
        ++pos_;
        if (text_[pos_] == '\n') Newline();
      }
      ++pos_;
    }
    if (pos_ >= text_.size()) Fail(token, "unterminated string");
    token.kind = TokenKind::kString;
    token.text = text_.substr(start, pos_ - start);
    ++pos_;
    return token;
  }

  std::string_view text_;
  const std::string& file_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  int line_ = 1;
};

/// A quoted value loses its quotes; a continuation inside it (`\` newline)
/// is removed so that a table row split over lines reads as one.
std::string Unquote(const Token& token) {
  if (token.kind != TokenKind::kString || token.text.find('\\') == std::string_view::npos)
    return std::string(token.text);
  std::string out;
  out.reserve(token.text.size());
  for (size_t i = 0; i < token.text.size(); ++i) {
    if (token.text[i] == '\\') {
      size_t p = i + 1;
      while (p < token.text.size() && (token.text[p] == '\r' || token.text[p] == ' ')) ++p;
      if (p < token.text.size() && token.text[p] == '\n') {
        i = p;
        continue;
      }
    }
    out += token.text[i];
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : scanner_(text, file) { Advance(); }

  LibertyGroup ParseFile() {
    if (current_.kind == TokenKind::kEnd) scanner_.Fail(current_, "empty liberty file");
    LibertyGroup top;
    ParseStatement(top);
    if (top.groups.size() != 1 || !top.attributes.empty())
      scanner_.Fail(current_, "expected one top-level group such as `library (name) { ... }`");
    if (current_.kind != TokenKind::kEnd)
      scanner_.Fail(current_, "unexpected '" + std::string(current_.text) + "' after the library");
    return std::move(top.groups.front());
  }

 private:
  void Advance() {
    newline_before_ = scanner_.NewlineBeforeNextToken();
    current_ = scanner_.Next();
  }
  bool IsPunct(char c) const {
    return current_.kind == TokenKind::kPunct && current_.text.size() == 1 && current_.text[0] == c;
  }
  bool IsValue() const {
    return current_.kind == TokenKind::kWord || current_.kind == TokenKind::kString;
  }
  void Expect(char c, const char* what) {
    if (!IsPunct(c)) {
      const std::string found =
          current_.kind == TokenKind::kEnd ? "end of file" : "'" + std::string(current_.text) + "'";
      scanner_.Fail(current_, std::string("expected ") + what + ", found " + found);
    }
    Advance();
  }

  /// One attribute or group, appended to `parent`.
  void ParseStatement(LibertyGroup& parent) {
    if (current_.kind != TokenKind::kWord)
      scanner_.Fail(current_, "expected an attribute or group name, found '" +
                                  std::string(current_.text) + "'");
    const Token name = current_;
    Advance();
    if (IsPunct(':')) {
      Advance();
      ParseSimple(parent, name);
    } else if (IsPunct('(')) {
      Advance();
      ParseComplexOrGroup(parent, name);
    } else {
      scanner_.Fail(current_, "expected ':' or '(' after '" + std::string(name.text) + "'");
    }
  }

  void ParseSimple(LibertyGroup& parent, const Token& name) {
    if (!IsValue()) scanner_.Fail(current_, "missing value for '" + std::string(name.text) + "'");
    LibertyAttribute attribute{std::string(name.text), {Unquote(current_)}, false, name.line};
    Advance();
    // An unquoted expression value (`a + b`) runs to `;` or the line's end.
    while (!newline_before_ && (IsValue() || (current_.kind == TokenKind::kPunct && !IsPunct(';') &&
                                              !IsPunct('}') && !IsPunct('{')))) {
      attribute.values.front() += " " + std::string(current_.text);
      Advance();
    }
    if (IsPunct(';')) Advance();
    parent.attributes.push_back(std::move(attribute));
  }

  void ParseComplexOrGroup(LibertyGroup& parent, const Token& name) {
    std::vector<std::string> values;
    while (!IsPunct(')')) {
      if (!IsValue())
        scanner_.Fail(current_, "expected a value or ')' in '" + std::string(name.text) + "(...)'");
      values.push_back(Unquote(current_));
      Advance();
      if (IsPunct(',')) Advance();
    }
    Advance();
    if (IsPunct('{')) {
      Advance();
      LibertyGroup group;
      group.type = std::string(name.text);
      group.args = std::move(values);
      group.line = name.line;
      while (!IsPunct('}')) {
        if (current_.kind == TokenKind::kEnd)
          scanner_.Fail(current_, "missing '}' closing '" + group.type + "' opened on line " +
                                      std::to_string(group.line));
        if (IsPunct(';')) {
          Advance();
          continue;
        }
        ParseStatement(group);
      }
      Advance();
      parent.groups.push_back(std::move(group));
      return;
    }
    if (IsPunct(';')) Advance();
    parent.attributes.push_back({std::string(name.text), std::move(values), true, name.line});
  }

  Scanner scanner_;
  Token current_;
  bool newline_before_ = false;
};

}  // namespace

LibertyGroup ParseLibertySyntax(std::string_view text, const std::string& file) {
  return Parser(text, file).ParseFile();
}

}  // namespace labq::power
