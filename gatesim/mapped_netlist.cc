#include "gatesim/mapped_netlist.h"

#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "common/text.h"

namespace labq::gatesim {
namespace {

/// Mapped netlists of the largest DPUs are tens of MB; 1 GiB is a bound, not a goal.
constexpr size_t kMaxNetlistBytes = size_t{1} << 30;

struct Token {
  enum Kind { kIdent, kNumber, kSymbol, kEnd } kind = kEnd;
  std::string_view text;
  int line = 0;
  int column = 0;
};

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  [[noreturn]] void Fail(const Token& at, const std::string& message) const {
    throw InputError({file_, at.line, at.column}, "", message);
  }

  const Token& Peek() {
    if (!peeked_) {
      next_ = Lex();
      peeked_ = true;
    }
    return next_;
  }
  Token Next() {
    Peek();
    peeked_ = false;
    return next_;
  }
  bool TakeSymbol(std::string_view symbol) {
    if (Peek().kind == Token::kSymbol && Peek().text == symbol) {
      Next();
      return true;
    }
    return false;
  }
  void ExpectSymbol(std::string_view symbol) {
    const Token t = Next();
    if (t.kind != Token::kSymbol || t.text != symbol) {
      Fail(t, "expected '" + std::string(symbol) + "', found '" + std::string(t.text) + "'");
    }
  }
  std::string ExpectIdent(const char* what) {
    const Token t = Next();
    if (t.kind != Token::kIdent) {
      Fail(t, std::string("expected ") + what + ", found '" + std::string(t.text) + "'");
    }
    return Name(t);
  }
  /// An identifier's name: an escaped one without its backslash.
  static std::string Name(const Token& t) {
    return std::string(t.text[0] == '\\' ? t.text.substr(1) : t.text);
  }

 private:
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }
  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (text_.substr(pos_, 2) == "//") {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
      } else if (text_.substr(pos_, 2) == "/*" || text_.substr(pos_, 2) == "(*") {
        const std::string_view close = text_[pos_] == '/' ? "*/" : "*)";
        const size_t end = text_.find(close, pos_ + 2);
        const size_t stop = end == std::string_view::npos ? text_.size() : end + 2;
        while (pos_ < stop) Advance();
      } else {
        return;
      }
    }
  }
  Token Lex() {
    SkipSpaceAndComments();
    Token t;
    t.line = line_;
    t.column = static_cast<int>(pos_ - line_start_) + 1;
    if (pos_ >= text_.size()) return t;
    const size_t start = pos_;
    const char c = text_[pos_];
    auto ident_char = [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '$';
    };
    if (c == '\\') {
      while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_]))) {
        Advance();
      }
      t.kind = Token::kIdent;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (pos_ < text_.size() && ident_char(text_[pos_])) Advance();
      t.kind = Token::kIdent;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '\'') {
      // 12, 1'b0, 4'hx: digits, an optional base and its digits.
      while (pos_ < text_.size() &&
             (ident_char(text_[pos_]) || text_[pos_] == '\'' || text_[pos_] == '?')) {
        Advance();
      }
      t.kind = Token::kNumber;
    } else {
      Advance();
      t.kind = Token::kSymbol;
    }
    t.text = text_.substr(start, pos_ - start);
    return t;
  }

  std::string_view text_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  Token next_;
  bool peeked_ = false;
};

/// A declared wire: its NetRefs by index.
struct Wire {
  int msb = 0, lsb = 0;
  bool vector = false;
  NetRef first = 0;  ///< NetRef of index lsb..msb in order of the index, lowest first
  NetRef Bit(int index) const { return first + (index - std::min(msb, lsb)); }
  bool Has(int index) const { return index >= std::min(msb, lsb) && index <= std::max(msb, lsb); }
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : lex_(text, file) { out_.file = file; }

  MappedNetlist Parse(const std::string& top) {
    bool found = false;
    while (lex_.Peek().kind != Token::kEnd) {
      const Token t = lex_.Next();
      if (t.kind != Token::kIdent || t.text != "module") {
        lex_.Fail(t, "expected 'module', found '" + std::string(t.text) + "'");
      }
      const std::string name = lex_.ExpectIdent("a module name");
      if (found || (!top.empty() && name != top)) {
        SkipModule();
        continue;
      }
      ParseModule(name);
      found = true;
    }
    if (!found) {
      throw InputError({out_.file, 0, 0}, "", top.empty() ? "no module" : "no module named " + top);
    }
    return std::move(out_);
  }

 private:
  void SkipModule() {
    while (true) {
      const Token t = lex_.Next();
      if (t.kind == Token::kEnd) lex_.Fail(t, "missing endmodule");
      if (t.kind == Token::kIdent && t.text == "endmodule") return;
    }
  }

  void ParseModule(const std::string& name) {
    out_.top = name;
    std::vector<std::string> port_order;
    if (lex_.TakeSymbol("(")) {
      if (!lex_.TakeSymbol(")")) {
        do {
          port_order.push_back(lex_.ExpectIdent("a port name"));
        } while (lex_.TakeSymbol(","));
        lex_.ExpectSymbol(")");
      }
    }
    lex_.ExpectSymbol(";");
    std::map<std::string, bool> directions;  // port -> input
    while (true) {
      const Token t = lex_.Next();
      if (t.kind == Token::kEnd) lex_.Fail(t, "missing endmodule");
      if (t.kind != Token::kIdent) lex_.Fail(t, "unexpected '" + std::string(t.text) + "'");
      const std::string word = Lexer::Name(t);
      if (t.text == "endmodule") break;
      if (t.text == "input" || t.text == "output" || t.text == "inout" || t.text == "wire") {
        if (t.text == "inout") lex_.Fail(t, "inout ports are not supported");
        for (const auto& declared : ParseDeclaration()) {
          if (t.text != "wire") directions[declared] = t.text == "input";
        }
      } else if (t.text == "assign") {
        ParseAssign();
      } else {
        ParseInstance(t, word);
      }
    }
    for (const auto& port : port_order) {
      auto dir = directions.find(port);
      auto wire_it = wires_.find(port);
      if (dir == directions.end() || wire_it == wires_.end()) {
        throw InputError({out_.file, 0, 0}, "",
                         "port " + port + " of " + name + " is not declared");
      }
      const Wire& wire = wire_it->second;
      const int lo = std::min(wire.msb, wire.lsb), hi = std::max(wire.msb, wire.lsb);
      for (int i = lo; i <= hi; ++i) {
        out_.ports.push_back({out_.nets[wire.Bit(i)], wire.Bit(i), dir->second});
      }
    }
  }

  std::vector<std::string> ParseDeclaration() {
    std::optional<std::pair<int, int>> range;
    if (lex_.TakeSymbol("[")) {
      const int msb = ExpectInt();
      lex_.ExpectSymbol(":");
      const int lsb = ExpectInt();
      lex_.ExpectSymbol("]");
      range = {msb, lsb};
    }
    std::vector<std::string> names;
    do {
      const Token at = lex_.Peek();
      const std::string name = lex_.ExpectIdent("a wire name");
      names.push_back(name);
      if (wires_.count(name)) continue;  // `input x;` then `wire x;`
      Wire w;
      w.first = static_cast<NetRef>(out_.nets.size());
      if (range) {
        w.vector = true;
        w.msb = range->first;
        w.lsb = range->second;
        const int lo = std::min(w.msb, w.lsb), hi = std::max(w.msb, w.lsb);
        if (hi - lo > (1 << 24)) lex_.Fail(at, "wire " + name + " is too wide");
        for (int i = lo; i <= hi; ++i) out_.nets.push_back(name + "[" + std::to_string(i) + "]");
      } else {
        out_.nets.push_back(name);
      }
      wires_[name] = w;
    } while (lex_.TakeSymbol(","));
    lex_.ExpectSymbol(";");
    return names;
  }

  int ExpectInt() {
    const Token t = lex_.Next();
    if (t.kind != Token::kNumber) lex_.Fail(t, "expected a number");
    const auto value = ParseDouble(t.text);
    if (!value || *value != static_cast<int>(*value)) lex_.Fail(t, "expected an integer");
    return static_cast<int>(*value);
  }

  /// A constant like 1'b0 or 3'h5 as bits, lsb first.
  std::vector<NetRef> Constant(const Token& t) {
    const std::string_view text = t.text;
    const size_t tick = text.find('\'');
    if (tick == std::string_view::npos) {
      lex_.Fail(t, "unsized constant '" + std::string(text) + "' in a connection");
    }
    const int width = std::stoi(std::string(text.substr(0, tick)));
    if (tick + 1 >= text.size()) lex_.Fail(t, "bad constant");
    const char base = static_cast<char>(std::tolower(text[tick + 1]));
    const std::string_view digits = text.substr(tick + 2);
    const int bits_per_digit = base == 'b' ? 1 : base == 'h' ? 4 : base == 'o' ? 3 : 0;
    if (bits_per_digit == 0) lex_.Fail(t, "constant base must be b, o or h");
    std::vector<NetRef> bits;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      const char d = static_cast<char>(std::tolower(*it));
      if (d == '_') continue;
      const bool unknown = d == 'x' || d == 'z' || d == '?';
      const int value = std::isdigit(static_cast<unsigned char>(d)) ? d - '0'
                        : (d >= 'a' && d <= 'f')                    ? d - 'a' + 10
                                                                    : 0;
      for (int b = 0; b < bits_per_digit; ++b) {
        bits.push_back(unknown ? kUnconnected : ((value >> b) & 1) ? kConst1 : kConst0);
      }
    }
    bits.resize(width, kConst0);
    return bits;
  }

  /// A connection: `name`, `name[i]`, `name[m:l]`, a constant, `{...}`; lsb first.
  std::vector<NetRef> ParseExpr() {
    const Token t = lex_.Next();
    if (t.kind == Token::kNumber) return Constant(t);
    if (t.kind == Token::kSymbol && t.text == "{") {
      std::vector<std::vector<NetRef>> parts;
      do {
        parts.push_back(ParseExpr());
      } while (lex_.TakeSymbol(","));
      lex_.ExpectSymbol("}");
      std::vector<NetRef> bits;
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        bits.insert(bits.end(), it->begin(), it->end());
      }
      return bits;
    }
    if (t.kind != Token::kIdent)
      lex_.Fail(t, "expected a net, found '" + std::string(t.text) + "'");
    const std::string name = Lexer::Name(t);
    auto wire_it = wires_.find(name);
    if (wire_it == wires_.end()) lex_.Fail(t, "undeclared net " + name);
    const Wire& w = wire_it->second;
    if (lex_.TakeSymbol("[")) {
      const int hi = ExpectInt();
      int lo = hi;
      if (lex_.TakeSymbol(":")) lo = ExpectInt();
      lex_.ExpectSymbol("]");
      if (!w.vector || !w.Has(hi) || !w.Has(lo)) lex_.Fail(t, "index out of range of " + name);
      std::vector<NetRef> bits;
      const int step = lo <= hi ? 1 : -1;
      for (int i = lo;; i += step) {
        bits.push_back(w.Bit(i));
        if (i == hi) break;
      }
      return bits;
    }
    std::vector<NetRef> bits;
    const int lo = std::min(w.msb, w.lsb), hi = std::max(w.msb, w.lsb);
    // lsb first: for [msb:lsb] with msb >= lsb the lowest index is the lsb.
    if (w.msb >= w.lsb) {
      for (int i = lo; i <= hi; ++i) bits.push_back(w.Bit(i));
    } else {
      for (int i = hi; i >= lo; --i) bits.push_back(w.Bit(i));
    }
    return bits;
  }

  void ParseAssign() {
    const Token at = lex_.Peek();
    const auto lhs = ParseExpr();
    lex_.ExpectSymbol("=");
    const auto rhs = ParseExpr();
    lex_.ExpectSymbol(";");
    if (lhs.size() != rhs.size()) lex_.Fail(at, "assign of different widths");
    for (size_t i = 0; i < lhs.size(); ++i) {
      if (lhs[i] < 0) lex_.Fail(at, "assign to a constant");
      out_.assigns.emplace_back(lhs[i], rhs[i]);
    }
  }

  void ParseInstance(const Token& cell_token, const std::string& cell) {
    Instance inst;
    inst.cell = cell;
    inst.line = cell_token.line;
    if (lex_.Peek().kind == Token::kSymbol && lex_.Peek().text == "#") {
      lex_.Fail(lex_.Peek(), "instance parameters are not supported (a mapped netlist has none)");
    }
    inst.name = lex_.ExpectIdent("an instance name");
    lex_.ExpectSymbol("(");
    if (!lex_.TakeSymbol(")")) {
      do {
        const Token dot = lex_.Next();
        if (dot.kind != Token::kSymbol || dot.text != ".") {
          lex_.Fail(dot, "expected a named connection .PORT(net) of " + inst.name);
        }
        Instance::Pin pin;
        pin.port = lex_.ExpectIdent("a port name");
        lex_.ExpectSymbol("(");
        if (!lex_.TakeSymbol(")")) {
          pin.bits = ParseExpr();
          lex_.ExpectSymbol(")");
        }
        inst.pins.push_back(std::move(pin));
      } while (lex_.TakeSymbol(","));
      lex_.ExpectSymbol(")");
    }
    lex_.ExpectSymbol(";");
    out_.instances.push_back(std::move(inst));
  }

  Lexer lex_;
  MappedNetlist out_;
  std::map<std::string, Wire> wires_;
};

}  // namespace

MappedNetlist ParseMappedNetlist(const std::string& text, const std::string& file,
                                 const std::string& top) {
  return Parser(text, file).Parse(top);
}

MappedNetlist ReadMappedNetlist(const std::string& path, const std::string& top) {
  return ParseMappedNetlist(ReadInputFile(path, kMaxNetlistBytes, "netlist"), path, top);
}

}  // namespace labq::gatesim
