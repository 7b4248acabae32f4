#include "web/connections.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace labq::web {
namespace {

/// What tells "the same open file" apart from a replaced one, or one that
/// a reader now opens differently (see sql::ReadOnlyUri).
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  std::string uri;
  bool operator==(const FileIdentity&) const = default;
};

/// Throws labq::Error (the message ReadOnlyUri gives) when the file is gone.
FileIdentity IdentityOf(const std::string& path) {
  FileIdentity id;
  id.uri = sql::ReadOnlyUri(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(path + ": no results database here (" + std::strerror(errno) + ")");
  }
  id.device = st.st_dev;
  id.inode = st.st_ino;
  return id;
}

int64_t UserVersion(sql::Database& db) {
  sql::Statement q(db, "PRAGMA user_version");
  q.Step();
  return q.Int(0);
}

}  // namespace

Snapshot::Snapshot(const std::string& db_path)
    : store(ResultStore::OpenReadOnly(db_path)), db(db_path, sql::Access::kReadOnly) {}

struct ConnectionCache::Entry {
  FileIdentity identity;
  std::unique_ptr<Snapshot> snapshot;
};

ConnectionCache::ConnectionCache(std::string db_path) : db_path_(std::move(db_path)) {}

ConnectionCache::~ConnectionCache() = default;

Snapshot& ConnectionCache::ForThisThread() {
  Entry* entry = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[std::this_thread::get_id()];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  try {
    FileIdentity now = IdentityOf(db_path_);
    if (entry->snapshot && entry->identity == now &&
        UserVersion(entry->snapshot->db) == ResultStore::SchemaVersion()) {
      return *entry->snapshot;
    }
    // Close before opening: a migrated file then reports its new version.
    entry->snapshot.reset();
    entry->snapshot = std::make_unique<Snapshot>(db_path_);
    entry->identity = std::move(now);
    ++opens_;
    return *entry->snapshot;
  } catch (...) {
    Forget();
    throw;
  }
}

void ConnectionCache::Forget() {
  std::unique_ptr<Entry> gone;  // closed outside the lock
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(std::this_thread::get_id()); it != entries_.end()) {
    gone = std::move(it->second);
    entries_.erase(it);
  }
}

}  // namespace labq::web
