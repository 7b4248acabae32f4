#pragma once
/// File helpers whose point is durability: a result file is either the old
/// one or the complete new one, never half written (a full disk or a kill in
/// the middle leaves the previous state).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace labq {

enum class Durability {
  kFlushed,   ///< fsync before the rename: survives a power cut
  kCrashSafe  ///< no fsync: a killed process never leaves a torn file, a power cut may
};

/// Writes `content` to a temporary file beside `path` and renames it over
/// `path`, so readers see the old or the new file, never a torn one. Throws
/// labq::Error naming the path (e.g. on ENOSPC), leaving the old file.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content,
                         Durability durability = Durability::kFlushed);

/// Writes a file the user named (`--out`), atomically like
/// WriteFileAtomically. A symbolic link is followed: its target is replaced
/// and the link kept. Anything else that is not a regular file (a device such
/// as /dev/full, a directory, a FIFO, a dangling link) is refused with a
/// labq::Error, never replaced.
void WriteOutputFile(const std::filesystem::path& path, std::string_view content);

/// Quotes one argument for a POSIX shell, for the human-readable command.sh.
/// labq itself never runs commands through a shell.
std::string ShellQuote(std::string_view arg);
std::string ShellJoin(const std::vector<std::string>& argv);

/// Hex SHA-256 of a file's or string's contents (cache keys, liberty identity).
std::string Sha256Hex(std::string_view data);
std::string Sha256OfFile(const std::filesystem::path& path);

}  // namespace labq
