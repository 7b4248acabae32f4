#pragma once
/// Finds the liberty a sweep names and stages it as a plain .lib that Yosys,
/// ABC and OpenSTA can all read: gzip is expanded, and Sky130's power-gating
/// cells get `dont_use` so ABC cannot pick them (its liberty has no marks).

#include <filesystem>
#include <string>

namespace labq {

struct StagedLiberty {
  std::string name;                 ///< "osu018", or the file name of a user path
  std::filesystem::path source;     ///< the file the sweep pointed at
  std::filesystem::path plain_lib;  ///< the staged, uncompressed copy
  std::string sha256;               ///< of the source file (cache keys, provenance)
};

/// Where a named library lives: osu018 from Debian's qflow-tech-osu018;
/// nangate45 and sky130 from $LABQ_PDK_DIR (default: the build's PDK folder).
std::filesystem::path ResolveLiberty(const std::string& name_or_path);

/// Resolves and stages into `stage_dir` (shared between jobs, keyed by content
/// hash, written atomically so concurrent jobs are safe). Throws labq::Error.
StagedLiberty StageLiberty(const std::string& name_or_path, const std::filesystem::path& stage_dir);

/// Links the staged liberty into `job_dir` as `liberty.lib` and returns that
/// name: scripts then name a fixed relative file, and the workdir (which may
/// hold spaces, `$` or brackets) never reaches Yosys, OpenSTA or Genus.
std::string LinkStagedLiberty(const StagedLiberty& liberty, const std::filesystem::path& job_dir);

struct JobContext;
/// A job's `liberty` parameter staged in its stage folder; a missing or
/// unreadable liberty fails the job (JobFailed) with the reason.
StagedLiberty StageJobLiberty(const std::string& liberty, const JobContext& context);

}  // namespace labq
