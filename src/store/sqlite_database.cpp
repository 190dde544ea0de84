#include "store/sqlite_database.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace vigil::store {

bool is_disk_full(int rc, int system_errno) {
  if ((rc & 0xff) == SQLITE_FULL) return true;
  // A full disk can also surface as an I/O error (e.g. growing the -shm or -wal file).
  const bool io = (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN;
  return io && (system_errno == ENOSPC || system_errno == EDQUOT);
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

void Database::close() {
  // close_v2: statements still alive (a moved-from owner's) do not keep it open forever.
  if (db_ != nullptr) sqlite3_close_v2(std::exchange(db_, nullptr));
}

Result<Database> Database::open(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Database db(raw);  // closes on every path, also when open failed
  if (rc != SQLITE_OK) return tl::unexpected(db.error(rc, "opening " + path.string()));
  sqlite3_extended_result_codes(raw, 1);
  // From the first statement on: a reader opening a day file the writer has just created
  // (WAL recovery, schema read) must wait for the lock, not fail the batch or the query.
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  return db;
}

Result<void> Database::exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(error(rc, sql));
  return {};
}

Result<Statement> Database::prepare(std::string_view sql, bool persistent) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return tl::unexpected(error(rc, sql));
  return Statement(stmt);
}

Error Database::error(int rc, std::string_view what) const {
  const int sys = db_ != nullptr ? sqlite3_system_errno(db_) : 0;
  const char* file = db_ != nullptr ? sqlite3_db_filename(db_, "main") : nullptr;
  std::string msg =
      fmt::format("{}: {}", what, db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  const int primary = rc & 0xff;
  // The OS errno is only meaningful for errors that came from the OS; it can be stale otherwise.
  const bool os_error =
      primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL;
  if (os_error && sys != 0) msg += fmt::format(" ({})", std::strerror(sys));
  if (file != nullptr && *file != '\0') msg += fmt::format(" [{}]", file);
  return Error{is_disk_full(rc, os_error ? sys : 0) ? ErrorCode::kStorageFull : ErrorCode::kStorage,
               std::move(msg)};
}

}  // namespace vigil::store
