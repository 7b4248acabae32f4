#include "common/error.h"

namespace labq {

std::string SourceLocation::ToString() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

namespace {
std::string Format(const SourceLocation& where, const std::string& key,
                   const std::string& message) {
  std::string out = where.ToString() + ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}
}  // namespace

InputError::InputError(SourceLocation where, std::string key, const std::string& message)
    : Error(Format(where, key, message)), where_(std::move(where)), key_(std::move(key)) {}

}  // namespace labq
