#pragma once
/// The Liberty file format as syntax only: groups `type (args) { ... }`,
/// simple attributes `name : value ;` and complex attributes
/// `name (v1, v2, ...) ;`, with the line each one starts on, so that the
/// typed reader (liberty_reader.h) can point every error at file:line.
/// Comments (`/* */`, `//`), line continuations (`\` before a newline) and
/// quoted strings are handled here; nothing here knows what a cell is.

#include <string>
#include <string_view>
#include <vector>

namespace labq::power {

struct LibertyAttribute {
  std::string name;
  std::vector<std::string> values;  ///< one for a simple attribute, the list for a complex one
  bool complex = false;
  int line = 0;
};

struct LibertyGroup {
  std::string type;               ///< "library", "cell", "pin", ...
  std::vector<std::string> args;  ///< the names in parentheses, unquoted
  std::vector<LibertyAttribute> attributes;
  std::vector<LibertyGroup> groups;
  int line = 0;

  /// The first attribute called `name`, or nullptr.
  const LibertyAttribute* Find(std::string_view name) const;
  /// The first value of attribute `name`, or nullptr when absent.
  const std::string* Value(std::string_view name) const;
  /// The first argument, or "" when the group has none.
  const std::string& Name() const;
};

/// Parses a whole Liberty text into its top group (normally `library`).
/// Throws labq::InputError naming `file`:line:column on malformed input.
LibertyGroup ParseLibertySyntax(std::string_view text, const std::string& file);

}  // namespace labq::power
