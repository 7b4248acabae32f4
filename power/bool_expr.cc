#include "power/bool_expr.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace labq::power {

class BoolExprParser {
 public:
  BoolExprParser(std::string_view text, const BoolExpr::Resolver& resolve, BoolExpr& out)
      : text_(text), resolve_(resolve), out_(out) {}

  int ParseAll() {
    const int root = Or();
    Blank();
    if (pos_ < text_.size() && text_[pos_] == ';') ++pos_;
    Blank();
    if (pos_ < text_.size())
      throw std::invalid_argument("unexpected '" + std::string(1, text_[pos_]) + "' at column " +
                                  std::to_string(pos_ + 1));
    return root;
  }

 private:
  int Add(BoolExpr::Op op, int left = -1, int right = -1, int var = -1) {
    out_.nodes_.push_back({op, left, right, var});
    return static_cast<int>(out_.nodes_.size()) - 1;
  }
  void Blank() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Take(char c) {
    Blank();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  static bool NameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '[' || c == ']' ||
           c == '.' || c == '$';
  }
  bool StartsTerm() {
    Blank();
    return pos_ < text_.size() &&
           (text_[pos_] == '(' || text_[pos_] == '!' || NameChar(text_[pos_]));
  }
  int Or() {
    int left = And();
    while (Take('+') || Take('|')) left = Add(BoolExpr::Op::kOr, left, And());
    return left;
  }
  int And() {
    int left = Xor();
    while (Take('*') || Take('&')) left = Add(BoolExpr::Op::kAnd, left, Xor());
    return left;
  }
  int Xor() {
    int left = Implicit();
    while (Take('^')) left = Add(BoolExpr::Op::kXor, left, Implicit());
    return left;
  }
  /// Juxtaposition is AND: `A B` is `A & B`.
  int Implicit() {
    int left = Unary();
    while (StartsTerm()) left = Add(BoolExpr::Op::kAnd, left, Unary());
    return left;
  }
  int Unary() {
    if (Take('!')) return Add(BoolExpr::Op::kNot, Unary());
    int term = Terminal();
    while (Take('\'')) term = Add(BoolExpr::Op::kNot, term);
    return term;
  }
  int Terminal() {
    Blank();
    if (pos_ >= text_.size()) throw std::invalid_argument("expression ends early");
    if (Take('(')) {
      const int inner = Or();
      if (!Take(')')) throw std::invalid_argument("missing ')'");
      return inner;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && NameChar(text_[pos_])) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    if (name.empty())
      throw std::invalid_argument("unexpected '" + std::string(1, text_[pos_]) + "' at column " +
                                  std::to_string(pos_ + 1));
    if (name == "0") return Add(BoolExpr::Op::kZero);
    if (name == "1") return Add(BoolExpr::Op::kOne);
    const std::optional<int> var = resolve_(name);
    if (!var) throw std::invalid_argument("unknown pin '" + std::string(name) + "'");
    return Add(BoolExpr::Op::kVar, -1, -1, *var);
  }

  std::string_view text_;
  const BoolExpr::Resolver& resolve_;
  BoolExpr& out_;
  size_t pos_ = 0;
};

BoolExpr BoolExpr::Parse(std::string_view text, const Resolver& resolve) {
  BoolExpr expr;
  expr.text_ = std::string(text);
  expr.root_ = BoolExprParser(text, resolve, expr).ParseAll();
  return expr;
}

bool BoolExpr::Eval(int node, std::span<const bool> values) const {
  const Node& n = nodes_[node];
  switch (n.op) {
    case Op::kZero:
      return false;
    case Op::kOne:
      return true;
    case Op::kVar:
      return values[n.var];
    case Op::kNot:
      return !Eval(n.left, values);
    case Op::kAnd:
      return Eval(n.left, values) && Eval(n.right, values);
    case Op::kOr:
      return Eval(n.left, values) || Eval(n.right, values);
    case Op::kXor:
      return Eval(n.left, values) != Eval(n.right, values);
  }
  return false;
}

double BoolExpr::Prob(int node, std::span<const double> high) const {
  const Node& n = nodes_[node];
  switch (n.op) {
    case Op::kZero:
      return 0.0;
    case Op::kOne:
      return 1.0;
    case Op::kVar:
      return high[n.var];
    case Op::kNot:
      return 1.0 - Prob(n.left, high);
    case Op::kAnd:
      return Prob(n.left, high) * Prob(n.right, high);
    case Op::kOr:
      return 1.0 - (1.0 - Prob(n.left, high)) * (1.0 - Prob(n.right, high));
    case Op::kXor: {
      const double a = Prob(n.left, high);
      const double b = Prob(n.right, high);
      return a * (1.0 - b) + b * (1.0 - a);
    }
  }
  return 0.0;
}

bool BoolExpr::IsVarRef(int node, int var) const {
  const Node& n = nodes_[node];
  if (n.op == Op::kVar) return n.var == var;
  return n.op == Op::kNot && nodes_[n.left].op == Op::kVar && nodes_[n.left].var == var;
}

std::optional<double> BoolExpr::Inferred(int node, int var, std::span<const double> high) const {
  const Node& n = nodes_[node];
  switch (n.op) {
    case Op::kVar:
      if (n.var == var) return 1.0;
      return std::nullopt;
    case Op::kNot:
      return Inferred(n.left, var, high);
    case Op::kOr:
    case Op::kXor:
      // `var | rest` passes var through when rest is 0 (OpenSTA also uses
      // !rest for xor).
      if (IsVarRef(n.left, var)) return 1.0 - Prob(n.right, high);
      if (IsVarRef(n.right, var)) return 1.0 - Prob(n.left, high);
      return std::nullopt;
    case Op::kAnd:
      if (IsVarRef(n.left, var)) return Prob(n.right, high);
      if (IsVarRef(n.right, var)) return Prob(n.left, high);
      return std::nullopt;
    case Op::kZero:
    case Op::kOne:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> BoolExpr::InferredWhenProbability(int var,
                                                        std::span<const double> high) const {
  if (root_ < 0) return std::nullopt;
  return Inferred(root_, var, high);
}

bool BoolExpr::Uses(int var) const {
  return std::any_of(nodes_.begin(), nodes_.end(),
                     [var](const Node& n) { return n.op == Op::kVar && n.var == var; });
}

std::vector<int> BoolExpr::Variables() const {
  std::vector<int> vars;
  for (const Node& n : nodes_)
    if (n.op == Op::kVar && std::find(vars.begin(), vars.end(), n.var) == vars.end())
      vars.push_back(n.var);
  return vars;
}

}  // namespace labq::power
