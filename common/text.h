#pragma once
/// Small string helpers shared by the parsers; kept here so each parser reads
/// as the report format it understands, not as string plumbing.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labq {

std::string_view Trim(std::string_view s);
std::vector<std::string> SplitWhitespace(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
bool StartsWith(std::string_view s, std::string_view prefix);
bool Contains(std::string_view s, std::string_view needle);
/// Parses a whole token as a double ("1.2e-3", "-0.5"); nullopt if it is not one.
std::optional<double> ParseDouble(std::string_view token);
/// Splits text into lines, accepting LF and CRLF endings.
std::vector<std::string> SplitLines(std::string_view text);
/// Reads a whole file; throws labq::Error naming the file when it cannot.
std::string ReadFile(const std::string& path);
/// Reads a user-named input (`what`: "sweep", "report") with a size limit
/// checked before reading: a directory, a device such as /dev/zero, a FIFO or
/// a file over `max_bytes` is a labq::Error naming the path, never an
/// unbounded read.
std::string ReadInputFile(const std::string& path, size_t max_bytes, std::string_view what);

}  // namespace labq
