#include "web/job_logs.h"

#include <algorithm>
#include <fstream>

namespace labq::web {

std::vector<LogFile> ListJobLogs(const std::filesystem::path& workdir) {
  std::vector<LogFile> logs;
  std::error_code ec;
  if (workdir.empty() || !std::filesystem::is_directory(workdir, ec)) return logs;
  for (const auto& entry : std::filesystem::directory_iterator(workdir, ec)) {
    const auto ext = entry.path().extension();
    if (ext != ".stdout" && ext != ".stderr" && ext != ".log") continue;
    std::error_code e;
    // symlink_status: a link could point anywhere on the machine.
    if (!std::filesystem::is_regular_file(entry.symlink_status(e))) continue;
    const auto size = std::filesystem::file_size(entry.path(), e);
    logs.push_back({entry.path().filename().string(), e ? 0 : static_cast<uint64_t>(size)});
  }
  std::sort(logs.begin(), logs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return logs;
}

std::optional<LogChunk> ReadJobLog(const std::filesystem::path& workdir, const std::string& name,
                                   std::optional<uint64_t> offset, uint64_t max_bytes) {
  const auto logs = ListJobLogs(workdir);
  const auto it =
      std::find_if(logs.begin(), logs.end(), [&](const LogFile& f) { return f.name == name; });
  if (it == logs.end()) return std::nullopt;
  std::ifstream in(workdir / it->name, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(0, std::ios::end);
  LogChunk chunk;
  chunk.size = static_cast<uint64_t>(in.tellg());
  chunk.offset = offset ? std::min(*offset, chunk.size)
                        : (chunk.size > max_bytes ? chunk.size - max_bytes : 0);
  const uint64_t n = std::min(max_bytes, chunk.size - chunk.offset);
  chunk.text.resize(n);
  in.seekg(static_cast<std::streamoff>(chunk.offset));
  in.read(chunk.text.data(), static_cast<std::streamsize>(n));
  chunk.text.resize(static_cast<size_t>(in.gcount()));
  chunk.next_offset = chunk.offset + chunk.text.size();
  return chunk;
}

}  // namespace labq::web
