#pragma once
/// Errors carry the place they are about (file, line, column, key) so that a
/// user can fix the input without reading the code.

#include <stdexcept>
#include <string>

namespace labq {

/// Where in an input file something went wrong. Line and column are 1-based;
/// 0 means "not known".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  std::string ToString() const;
};

/// A user-facing error: the message is complete and printable as is.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// An error in an input file, formatted as `file:line:column: key: message`.
class InputError : public Error {
 public:
  InputError(SourceLocation where, std::string key, const std::string& message);

  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }

 private:
  SourceLocation where_;
  std::string key_;
};

}  // namespace labq
