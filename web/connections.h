#pragma once
/// The dashboard's read-only connections, kept per server thread between
/// requests: opening a store (two connections, a schema read each) costs
/// more than a page's own SQL, and a poll every few seconds per open tab
/// would pay it each time. A connection never serves two threads at once
/// and never writes.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "results/result_store.h"
#include "results/sqlite.h"

namespace labq::web {

/// One thread's read-only view of the store: the store (for the table
/// builders and job details) and a bare connection for the paged queries.
struct Snapshot {
  explicit Snapshot(const std::string& db_path);
  std::unique_ptr<ResultStore> store;
  sql::Database db;
};

class ConnectionCache {
 public:
  explicit ConnectionCache(std::string db_path);
  ~ConnectionCache();
  ConnectionCache(const ConnectionCache&) = delete;
  ConnectionCache& operator=(const ConnectionCache&) = delete;

  /// This thread's connections, checked for this request: reopened when the
  /// file was replaced (another device/inode) or would open differently
  /// (its -wal/-shm appeared), and closed with the schema error when its
  /// `PRAGMA user_version` is no longer the one labq reads (labd migrated
  /// it). Throws labq::Error as ResultStore::OpenReadOnly does (a missing
  /// file, another schema), keeping nothing open then.
  Snapshot& ForThisThread();
  /// Closes this thread's connections; the next request opens new ones
  /// (after an unexpected error, so a broken connection is not reused).
  void Forget();
  /// Connections opened so far (one per Snapshot): tests see reuse with it.
  int64_t opens() const { return opens_.load(); }

 private:
  struct Entry;

  std::string db_path_;
  std::mutex mutex_;  ///< guards the map only; an entry is its thread's alone
  std::map<std::thread::id, std::unique_ptr<Entry>> entries_;
  std::atomic<int64_t> opens_{0};
};

}  // namespace labq::web
