#pragma once
/// A job's step logs (<step>.stdout, <step>.stderr, *.log) as the dashboard
/// shows and follows them. A log is named by its file name and must be one
/// the job's own directory lists: no path from a request is ever opened.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace labq::web {

struct LogFile {
  std::string name;  ///< file name in the job directory: "c.stdout"
  uint64_t bytes = 0;
};

/// Regular files (not links) of `workdir` ending .stdout/.stderr/.log, by name.
std::vector<LogFile> ListJobLogs(const std::filesystem::path& workdir);

struct LogChunk {
  uint64_t offset = 0;       ///< where `text` starts
  uint64_t next_offset = 0;  ///< where the next read starts
  uint64_t size = 0;         ///< the file's size when read
  std::string text;
};

/// Up to `max_bytes` of log `name` from `offset`; without an offset, the
/// last `max_bytes` (a tail). nullopt when `name` is not one of
/// ListJobLogs(workdir): "../x", "/etc/passwd" and links are refused.
std::optional<LogChunk> ReadJobLog(const std::filesystem::path& workdir, const std::string& name,
                                   std::optional<uint64_t> offset, uint64_t max_bytes = 65536);

}  // namespace labq::web
