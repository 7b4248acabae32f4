#pragma once
/// A thin RAII layer over the SQLite C API: a connection, prepared statements
/// and a transaction guard that rolls back unless committed.

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"

namespace labq::sql {

/// An error SQLite reported, with its result code, so callers can tell a
/// storage fault (disk full, I/O error: wait and retry) from a statement the
/// data made fail (a constraint: retrying cannot help).
class SqliteError : public Error {
 public:
  SqliteError(const std::string& message, int code) : Error(message), code_(code) {}
  int code() const { return code_; }
  /// Disk full, I/O error, cannot open, out of memory, busy past the timeout.
  bool StorageFault() const;

 private:
  int code_;
};

enum class Access {
  kReadWrite,  ///< created if missing, WAL, may migrate
  kReadOnly    ///< must exist; never created, never written (see OpenReadOnly)
};

class Database {
 public:
  /// Opens (creating if needed) with WAL, a busy timeout and foreign keys on;
  /// with Access::kReadOnly, opens an existing database without writing.
  explicit Database(const std::string& path, Access access = Access::kReadWrite);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void Exec(const std::string& sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }
  /// Virtual-machine steps run so far by the statements prepared on this
  /// connection (cached ones keep counting across uses): SQLite's work as a
  /// number that does not depend on the machine's load, for tests that a
  /// query's cost stays flat as the tables grow.
  int64_t VmSteps() const;
  const std::string& path() const { return path_; }
  Access access() const { return access_; }
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  friend class Statement;
  /// Idle prepared statements of one SQL text.
  using IdleList = std::vector<sqlite3_stmt*>;
  void Configure(bool read_only);
  /// A prepared statement of `sql`: an idle one if there is one, else a new
  /// one; `*home` is where it goes back to (nullptr: finalize it instead).
  sqlite3_stmt* Acquire(const std::string& sql, IdleList** home);
  void Release(sqlite3_stmt* stmt, IdleList* home);

  /// Statements are kept prepared, per SQL text, for the next Statement of
  /// that text: compiling SQL was half of labd's loop thread per job (a
  /// claim prepares five statements). Texts built with values in them are
  /// few; past kMaxCachedTexts new texts are prepared and finalized as before.
  static constexpr size_t kMaxCachedTexts = 256;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, IdleList> idle_;  ///< elements stay put on rehash
  sqlite3* db_ = nullptr;
  std::string path_;
  Access access_ = Access::kReadWrite;
};

/// The URI a read-only connection opens: `mode=ro`, plus `immutable=1` when
/// this user could not create the -wal/-shm files with the database's owner
/// and they do not exist (then no writer is active, and a reader that made
/// them would lock the owner out). Throws labq::Error when `path` is missing
/// or not a file.
std::string ReadOnlyUri(const std::string& path);

class Statement {
 public:
  Statement(Database& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, const std::string& value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string(value)); }
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<int64_t>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  /// Advances to the next row; false when done. Throws on error.
  bool Step();
  /// Runs a statement that returns no rows.
  void Run();
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::string Text(int column) const;
  /// The column's text without a copy: valid until the next Step or Reset.
  std::string_view TextView(int column) const;
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  Database::IdleList* home_ = nullptr;
};

/// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit().
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace labq::sql
