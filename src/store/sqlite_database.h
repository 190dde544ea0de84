// RAII handle for one SQLite connection, and the one place where SQLite result codes
// become vigil errors (so "disk full" is recognised the same way everywhere).
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "store/sqlite_statement.h"

namespace vigil::store {

class Database {
 public:
  // How long a statement waits for another connection's lock before SQLITE_BUSY.
  static constexpr int kBusyTimeoutMs = 5000;

  Database() = default;
  Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() { close(); }

  // flags: SQLITE_OPEN_* (NOMUTEX is added: a connection is only used by one thread).
  static Result<Database> open(const std::filesystem::path& path, int flags);

  Result<void> exec(const char* sql);
  Result<Statement> prepare(std::string_view sql, bool persistent = false);
  // Maps rc (and the OS errno behind it) to kStorageFull / kStorage with `what` and the
  // file name in the message.
  Error error(int rc, std::string_view what) const;
  void close();

  sqlite3* get() const { return db_; }
  explicit operator bool() const { return db_ != nullptr; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// kStorageFull for SQLITE_FULL and for I/O errors caused by ENOSPC/EDQUOT.
bool is_disk_full(int rc, int system_errno);

}  // namespace vigil::store
