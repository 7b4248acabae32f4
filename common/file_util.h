#pragma once
/// File helpers whose point is durability: a result file is either the old
/// one or the complete new one, never half written (a full disk or a kill in
/// the middle leaves the previous state).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace labq {

/// Writes `content` to a temporary file beside `path`, fsyncs it and renames
/// it over `path`. Throws labq::Error naming the path (e.g. on ENOSPC).
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

/// Quotes one argument for a POSIX shell, for the human-readable command.sh.
/// labq itself never runs commands through a shell.
std::string ShellQuote(std::string_view arg);
std::string ShellJoin(const std::vector<std::string>& argv);

/// Hex SHA-256 of a file's or string's contents (cache keys, liberty identity).
std::string Sha256Hex(std::string_view data);
std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace labq
