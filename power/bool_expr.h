#pragma once
/// A Liberty boolean expression (`function`, `when`, `next_state`) over a
/// cell's pins and state variables: parsed once, then evaluated for a value
/// or for the probability of being 1 when the variables are independent
/// with given probabilities (what OpenSTA does with activities).

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace labq::power {

class BoolExpr {
 public:
  enum class Op : uint8_t { kZero, kOne, kVar, kNot, kAnd, kOr, kXor };
  struct Node {
    Op op = Op::kZero;
    int left = -1;
    int right = -1;
    int var = -1;
  };
  /// Maps a variable name to its index, or nullopt when the name is unknown.
  using Resolver = std::function<std::optional<int>(std::string_view)>;

  /// Liberty's syntax and precedence, loosest first: `+` `|` (or), `*` `&`
  /// and juxtaposition (and), `^` (xor), `!` prefix and `'` postfix (not);
  /// constants 0 and 1. Throws std::invalid_argument saying what is wrong.
  static BoolExpr Parse(std::string_view text, const Resolver& resolve);

  bool Evaluate(std::span<const bool> values) const { return Eval(root_, values); }
  /// P(expr = 1) with independent variables, P(var = 1) = high[var].
  double Probability(std::span<const double> high) const { return Prob(root_, high); }
  /// OpenSTA's "inferred when" for an internal-power arc from `var`: the
  /// condition under which `var` reaches the output, read syntactically from
  /// the top of the expression (nullopt where it cannot be read that way).
  std::optional<double> InferredWhenProbability(int var, std::span<const double> high) const;
  bool Uses(int var) const;
  /// Distinct variables, in first-use order.
  std::vector<int> Variables() const;
  bool empty() const { return nodes_.empty(); }
  const std::string& text() const { return text_; }

 private:
  bool Eval(int node, std::span<const bool> values) const;
  double Prob(int node, std::span<const double> high) const;
  bool IsVarRef(int node, int var) const;
  std::optional<double> Inferred(int node, int var, std::span<const double> high) const;

  std::vector<Node> nodes_;
  int root_ = -1;
  std::string text_;
  friend class BoolExprParser;
};

}  // namespace labq::power
