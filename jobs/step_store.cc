#include "jobs/step_store.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "common/file_util.h"

namespace labq {
namespace {

namespace fs = std::filesystem;

/// Names the entry's manifest: the material, for whoever wonders why a step
/// was (not) reused. Its presence also marks an entry as labq's.
constexpr const char* kManifest = "step.txt";

/// A folder name no other process picks: pid, time and a counter.
std::string TemporaryName() {
  static std::atomic<unsigned> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
         std::to_string(counter++);
}

}  // namespace

std::string StepKey::Hash() const { return Sha256Hex("labq-step-1\n" + step + "\n" + material); }

fs::path StepStore::EntryDir(const StepKey& key) const {
  return root_ / (key.step + "-" + key.Hash().substr(0, 32));
}

bool StepStore::Restore(const StepKey& key, const fs::path& dir,
                        const std::vector<std::string>& files) const {
  if (!enabled()) return false;
  const fs::path entry = EntryDir(key);
  std::error_code ec;
  if (!fs::is_regular_file(entry / kManifest, ec)) return false;
  for (const auto& file : files) {
    if (!fs::is_regular_file(entry / file, ec)) return false;
  }
  for (const auto& file : files) {
    fs::copy_file(entry / file, dir / file, fs::copy_options::overwrite_existing, ec);
    if (ec) return false;  // the caller runs the step, which rewrites every file
  }
  return true;
}

bool StepStore::Save(const StepKey& key, const fs::path& dir,
                     const std::vector<std::string>& files) const {
  if (!enabled()) return false;
  const fs::path entry = EntryDir(key);
  std::error_code ec;
  if (fs::exists(entry, ec)) return true;
  const fs::path tmp = root_ / TemporaryName();
  fs::create_directories(tmp, ec);
  if (ec) return false;
  bool ok = true;
  for (const auto& file : files) {
    fs::copy_file(dir / file, tmp / file, ec);
    if (ec) {
      ok = false;
      break;
    }
  }
  if (ok) {
    try {
      WriteFileAtomically(tmp / kManifest, "step " + key.step + "\n" + key.material,
                          Durability::kCrashSafe);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  // One rename publishes the whole entry; a folder already there (another
  // job saved the same step) makes it fail, and that entry is as good.
  if (ok) fs::rename(tmp, entry, ec);
  if (!ok || ec) fs::remove_all(tmp, ec);
  return ok;
}

std::string StepLog::Join(const std::vector<std::string>& steps) {
  if (steps.empty()) return "none";
  std::string out;
  for (const auto& s : steps) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool RunOrReuseStep(const StepStore& store, StepLog& log, const StepKey& key, const fs::path& dir,
                    const std::vector<std::string>& files, const std::function<void()>& produce) {
  if (store.Restore(key, dir, files)) {
    log.reused.push_back(key.step);
    return true;
  }
  produce();
  store.Save(key, dir, files);
  log.run.push_back(key.step);
  return false;
}

}  // namespace labq
