#include "jobs/cache_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "common/file_util.h"
#include "jobs/job_kind.h"
#include "labq_genus_templates.h"
#include "labq_rtl_templates.h"
#include "labq_yosys_sta_templates.h"
#include "process/subprocess.h"

namespace labq {
namespace {

/// Bump when the meaning of a stored result changes without a template change.
constexpr const char* kCacheFormat = "labq-cache-1";

std::string TemplatesHash() {
  static const std::string hash = Sha256Hex(
      std::string(templates::dpu_v_mustache()) + std::string(templates::dpu_tb_v_mustache()) +
      std::string(templates::synth_ys_mustache()) + std::string(templates::abc_script_mustache()) +
      std::string(templates::sta_tcl_mustache()) + std::string(templates::synth_tcl_mustache()) +
      std::string(templates::constraints_sdc_mustache()));
  return hash;
}

}  // namespace

std::string CacheKeyOrThrow(const std::string& kind, const nlohmann::json& params);

std::string CachedFileHash(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  static std::mutex mutex;
  static std::map<std::string, std::pair<std::string, std::string>> memo;
  const std::string identity = std::to_string(st.st_size) + ":" +
                               std::to_string(st.st_mtim.tv_sec) + "." +
                               std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ino);
  {
    std::lock_guard lock(mutex);
    auto it = memo.find(path);
    if (it != memo.end() && it->second.first == identity) return it->second.second;
  }
  std::string hash = Sha256OfFile(path);
  std::lock_guard lock(mutex);
  memo[path] = {identity, hash};
  return hash;
}

std::string ToolHash(const std::string& tool) {
  auto path = FindExecutable(tool);
  return tool + "=" + (path ? CachedFileHash(path->string()) : "missing");
}

std::string InputHash(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return path + "=missing";
  return path + "=" + CachedFileHash(path);
}

std::string CacheKeyFor(const std::string& kind, const nlohmann::json& params) {
  try {
    return CacheKeyOrThrow(kind, params);
  } catch (const std::exception&) {
    return "";  // a job whose inputs cannot be hashed is simply not cached; it fails when run
  }
}

std::string CacheKeyOrThrow(const std::string& kind, const nlohmann::json& params) {
  const JobKind* job_kind = FindJobKind(kind);
  const nlohmann::json keyed = job_kind ? job_kind->CacheParams(params) : params;
  std::string material = std::string(kCacheFormat) + "\nkind=" + kind + "\nparams=" + keyed.dump() +
                         "\ntemplates=" + TemplatesHash() + "\n";
  const std::optional<std::string> inputs = job_kind ? job_kind->CacheInputs(params) : std::nullopt;
  if (!inputs) return "";
  material += *inputs;
  return Sha256Hex(material);
}

}  // namespace labq
