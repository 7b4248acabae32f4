#include "jobs/cache_key.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "common/file_util.h"
#include "jobs/command_job.h"
#include "jobs/liberty.h"
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

std::string ToolHash(const std::string& tool) {
  auto path = FindExecutable(tool);
  return tool + "=" + (path ? CachedFileHash(path->string()) : "missing");
}

std::string InputHash(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return path + "=missing";
  return path + "=" + CachedFileHash(path);
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

std::string CacheKeyFor(const std::string& kind, const nlohmann::json& params) {
  try {
    return CacheKeyOrThrow(kind, params);
  } catch (const std::exception&) {
    return "";  // a job whose inputs cannot be hashed is simply not cached; it fails when run
  }
}

std::string CacheKeyOrThrow(const std::string& kind, const nlohmann::json& params) {
  std::string material = std::string(kCacheFormat) + "\nkind=" + kind +
                         "\nparams=" + params.dump() + "\ntemplates=" + TemplatesHash() + "\n";
  if (kind == "sim" || kind == "synth") {
    if (params.value("rtl", "generated") != "generated")
      material += InputHash(params["rtl"]) + "\n";
  }
  if (kind == "sim") {
    material += ToolHash("verilator") + "\n" + ToolHash("iverilog") + "\n" + ToolHash("vvp") + "\n";
  } else if (kind == "synth") {
    material += InputHash(ResolveLiberty(params.value("liberty", "osu018")).string()) + "\n";
    if (params.value("flow", "yosys-sta") == "genus") {
      material += ToolHash(params.value("genus_path", "genus")) + "\n";
    }
    material += ToolHash("yosys") + "\n" + ToolHash("sta") + "\n";
  } else if (kind == "command") {
    // The program and every argument that names a file stand for "the tool version".
    bool first = true;
    for (const auto& arg : params.at("argv")) {
      const std::string value = SubstituteParams(arg.get<std::string>(), params, "{job_dir}");
      if (first) {
        material += ToolHash(value) + "\n";
        first = false;
      } else if (std::filesystem::is_regular_file(value)) {
        material += InputHash(value) + "\n";
      }
    }
  } else {
    return "";
  }
  return Sha256Hex(material);
}

}  // namespace labq
