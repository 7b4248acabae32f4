#include "common/text.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace labq {

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  auto begin = s.find_first_not_of(ws);
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(ws);
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> SplitWhitespace(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

std::optional<double> ParseDouble(std::string_view token) {
  token = Trim(token);
  if (token.empty()) return std::nullopt;
  if (token.front() == '+') token.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  return value;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    auto pos = text.find('\n', start);
    std::string_view line =
        pos == std::string_view::npos ? text.substr(start) : text.substr(start, pos - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return lines;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(path + ": read failed");
  return buffer.str();
}

std::string ReadInputFile(const std::string& path, size_t max_bytes, std::string_view what) {
  const std::string kind(what);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(path + ": cannot open: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw Error(path + ": is a directory, not a " + kind + " file");
  if (!S_ISREG(st.st_mode)) {
    throw Error(path + ": is not a regular file (a device, pipe or socket); a " + kind +
                " must be a file");
  }
  auto too_big = [&] {
    return Error(path + ": is larger than the " + std::to_string(max_bytes) + "-byte limit for a " +
                 kind + " file");
  };
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) throw too_big();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  // Stop one chunk past the limit at most: the file may grow after stat().
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char chunk[1 << 16];
  while (out.size() <= max_bytes && in.read(chunk, sizeof chunk).gcount() > 0) {
    out.append(chunk, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw Error(path + ": read failed");
  if (out.size() > max_bytes) throw too_big();
  return out;
}

}  // namespace labq
