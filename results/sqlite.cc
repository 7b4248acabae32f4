#include "results/sqlite.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace labq::sql {
namespace {

/// Percent-encodes everything but unreserved characters and '/' (RFC 3986).
std::string UriPath(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

std::string ReadOnlyUri(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(path + ": no results database here (" + std::strerror(errno) +
                "); labq run, labq submit or labd create it");
  }
  if (!S_ISREG(st.st_mode)) throw Error(path + ": is not a results database file");
  auto dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const bool could_create_side_files =
      ::access(path.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
  const bool side_files_exist = Exists(path + "-wal") && Exists(path + "-shm");
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  return "file:" + UriPath(absolute) + "?mode=ro" +
         (could_create_side_files || side_files_exist ? "" : "&immutable=1");
}

Database::Database(const std::string& path, Access access) : path_(path), access_(access) {
  const bool read_only = access == Access::kReadOnly;
  const std::string target = read_only ? ReadOnlyUri(path) : path;
  // A reader is one thread's (a command, a dashboard request): no mutex on
  // every sqlite3_column_* call, which cost 6 % of a 10,000-row table.
  const int flags = read_only ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(target.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(path + ": cannot open results database: " + message);
  }
  // A file that is not a database opens fine and fails at the first pragma;
  // the destructor does not run for a throwing constructor, so close here.
  try {
    Configure(read_only);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

int64_t Database::VmSteps() const {
  int64_t steps = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s; s = sqlite3_next_stmt(db_, s)) {
    steps += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 0);
  }
  return steps;
}

void Database::Configure(bool read_only) {
  // Readers never see "database is locked": WAL lets them read while a writer
  // commits, and the busy timeout waits out other writers.
  sqlite3_busy_timeout(db_, 30000);
  if (read_only) {
    // The journal mode is the writers' business; a reader sets nothing persistent.
    Exec("PRAGMA foreign_keys=ON");
    return;
  }
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  Exec("PRAGMA foreign_keys=ON");
}

Database::~Database() {
  for (auto& [sql, list] : idle_) {
    for (sqlite3_stmt* stmt : list) sqlite3_finalize(stmt);
  }
  sqlite3_close(db_);
}

sqlite3_stmt* Database::Acquire(const std::string& sql, IdleList** home) {
  {
    std::lock_guard guard(cache_mutex_);
    auto it = idle_.find(sql);
    if (it == idle_.end() && idle_.size() < kMaxCachedTexts)
      it = idle_.emplace(sql, IdleList{}).first;
    *home = it == idle_.end() ? nullptr : &it->second;
    if (*home && !(*home)->empty()) {
      sqlite3_stmt* stmt = (*home)->back();
      (*home)->pop_back();
      return stmt;
    }
  }
  sqlite3_stmt* stmt = nullptr;
  const unsigned flags = *home ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, flags, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    Fail("cannot prepare '" + sql.substr(0, 80) + "'");
  }
  return stmt;
}

void Database::Release(sqlite3_stmt* stmt, IdleList* home) {
  if (!home) {
    sqlite3_finalize(stmt);
    return;
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  std::lock_guard guard(cache_mutex_);
  home->push_back(stmt);
}

bool SqliteError::StorageFault() const {
  switch (code_ & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

void Database::Fail(const std::string& what) const {
  throw SqliteError(path_ + ": " + what + ": " + sqlite3_errmsg(db_),
                    sqlite3_extended_errcode(db_));
}

void Database::Exec(const std::string& sql) {
  char* message = nullptr;
  if (const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw SqliteError(path_ + ": " + text + " (in: " + sql.substr(0, 80) + ")",
                      sqlite3_extended_errcode(db_));
  }
}

Statement::Statement(Database& db, const std::string& sql) : db_(db) {
  stmt_ = db.Acquire(sql, &home_);  // in the body: home_'s initializer would run after
}

Statement::~Statement() { db_.Release(stmt_, home_); }

Statement& Statement::Bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.Fail("bind");
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_.Fail("bind");
  return *this;
}
Statement& Statement::Bind(int index, const std::string& value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_.Fail("bind");
  }
  return *this;
}
Statement& Statement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.Fail("bind");
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.Fail("query failed");
}

void Statement::Run() {
  while (Step()) {
  }
  Reset();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::string_view Statement::TextView(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

Transaction::Transaction(Database& db) : db_(db) { db_.Exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.Exec("ROLLBACK");
    } catch (...) {
    }
  }
}

void Transaction::Commit() {
  db_.Exec("COMMIT");
  done_ = true;
}

}  // namespace labq::sql
