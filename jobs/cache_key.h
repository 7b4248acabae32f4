#pragma once
/// The cache key of a job: a hash of everything its result depends on — the
/// kind and parameters (which fix the rendered inputs), labq's templates, the
/// tools that run (their binaries' hashes stand for their versions), and the
/// input files it reads (liberty, user RTL, scripts named in argv).

#include <nlohmann/json.hpp>
#include <string>

namespace labq {

/// "" when the job kind is not cacheable (e.g. training jobs that depend on a
/// pretraining job's weights are keyed by those weights instead).
std::string CacheKeyFor(const std::string& kind, const nlohmann::json& params);

/// SHA-256 of a file, remembered per (path, size, mtime) so big tool binaries
/// are read once per process.
std::string CachedFileHash(const std::string& path);

/// "tool=<hash of its binary on PATH>" or "tool=missing": a tool's version for
/// a kind's JobKind::CacheInputs.
std::string ToolHash(const std::string& tool);
/// "path=<hash>" or "path=missing": an input file's content.
std::string InputHash(const std::string& path);

}  // namespace labq
