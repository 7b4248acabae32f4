#include "jobs/liberty.h"

#include <zlib.h>

#include <cstdlib>
#include <regex>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "jobs/job_kind.h"

namespace labq {
namespace {

std::string ReadMaybeGzip(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw Error(path.string() + ": cannot open liberty");
  std::string out;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) out.append(buffer, n);
  int errnum = 0;
  const char* message = gzerror(file, &errnum);
  std::string error = n < 0 ? message : "";
  gzclose(file);
  if (n < 0) throw Error(path.string() + ": cannot read liberty: " + error);
  return out;
}

/// Marks Sky130's lpflow (power-gating/isolation) cells dont_use.
std::string MarkDontUse(const std::string& text) {
  static const std::regex cell_re(
      R"re(^\s*cell\s*\(\s*"?[A-Za-z0-9_]*lpflow[A-Za-z0-9_]*"?\s*\)\s*\{)re");
  std::string out;
  out.reserve(text.size() + 4096);
  for (const auto& line : SplitLines(text)) {
    out += line;
    out += '\n';
    if (Contains(line, "lpflow") && std::regex_search(line, cell_re))
      out += "    dont_use : true;\n";
  }
  return out;
}

}  // namespace

StagedLiberty StageJobLiberty(const std::string& liberty, const JobContext& context) {
  try {
    return StageLiberty(liberty, context.stage_dir);
  } catch (const Error& e) {
    throw JobFailed(e.what());
  }
}

std::string LinkStagedLiberty(const StagedLiberty& liberty, const std::filesystem::path& job_dir) {
  const std::string name = "liberty.lib";
  const auto tmp = job_dir / (name + ".tmp-link");
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  std::filesystem::create_symlink(std::filesystem::absolute(liberty.plain_lib), tmp, ec);
  if (ec) {
    // No symbolic links here (some shared file systems): copy instead.
    WriteFileAtomically(job_dir / name, ReadFile(liberty.plain_lib.string()));
    return name;
  }
  std::filesystem::rename(tmp, job_dir / name, ec);
  if (ec)
    throw JobFailed("liberty: cannot link " + (job_dir / name).string() + ": " + ec.message());
  return name;
}

std::filesystem::path ResolveLiberty(const std::string& name_or_path) {
  if (name_or_path == "osu018") {
    return "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
  }
  if (name_or_path == "nangate45" || name_or_path == "sky130") {
    const char* env = std::getenv("LABQ_PDK_DIR");
    std::filesystem::path dir = env ? env : LABQ_DEFAULT_PDK_DIR;
    return dir / (name_or_path == "nangate45" ? "nangate45_typ.lib.gz" : "sky130hd_tt.lib.gz");
  }
  return name_or_path;
}

StagedLiberty StageLiberty(const std::string& name_or_path,
                           const std::filesystem::path& stage_dir) {
  StagedLiberty staged;
  staged.source = ResolveLiberty(name_or_path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(staged.source, ec)) {
    std::string hint = name_or_path == "osu018" ? " (install qflow-tech-osu018: scripts/setup)"
                       : (name_or_path == "nangate45" || name_or_path == "sky130")
                           ? " (set LABQ_PDK_DIR to the folder holding it)"
                           : "";
    throw Error("liberty: '" + name_or_path + "': " + staged.source.string() + " not found" + hint);
  }
  staged.name = name_or_path.find('/') == std::string::npos ? name_or_path
                                                            : staged.source.filename().string();
  const std::string raw = ReadMaybeGzip(staged.source);
  staged.sha256 = Sha256Hex(raw);
  const bool sky130 = Contains(raw.substr(0, 4096), "sky130");
  std::filesystem::create_directories(stage_dir);
  staged.plain_lib = stage_dir / (staged.sha256.substr(0, 16) + ".lib");
  if (!std::filesystem::exists(staged.plain_lib, ec)) {
    WriteFileAtomically(staged.plain_lib, sky130 ? MarkDontUse(raw) : raw);
  }
  return staged;
}

}  // namespace labq
