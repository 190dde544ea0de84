#include "store/day_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <system_error>

namespace vigil::store {
namespace {

constexpr std::string_view kPrefix = "security-events-";
constexpr std::string_view kSuffix = ".db";

// Created in rollback-journal mode and switched to WAL at the end: then everything is in
// the main file when it is renamed into place (no -wal file to carry along).
constexpr const char* kSchemaSql = R"sql(
PRAGMA page_size = 16384;
BEGIN;
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  received INTEGER NOT NULL,
  time_from_receive INTEGER NOT NULL,
  severity INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  user TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  doc TEXT NOT NULL);
CREATE TABLE blocks(
  first_id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL,
  min_time INTEGER NOT NULL,
  max_time INTEGER NOT NULL,
  buckets INTEGER NOT NULL DEFAULT 0);
CREATE TABLE postings(
  block INTEGER NOT NULL,
  term INTEGER NOT NULL,
  entries BLOB NOT NULL,
  PRIMARY KEY(block, term)) WITHOUT ROWID;
PRAGMA user_version = 3;
COMMIT;
PRAGMA journal_mode = WAL;
)sql";

Error fs_error(const std::error_code& ec, std::string_view what) {
  const bool full = ec.value() == ENOSPC || ec.value() == EDQUOT;
  return Error{full ? ErrorCode::kStorageFull : ErrorCode::kStorage,
               fmt::format("{}: {}", what, ec.message())};
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The rename must survive a crash too.
Result<void> sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::error_code ec(errno, std::generic_category());
    if (fd >= 0) ::close(fd);
    return tl::unexpected(fs_error(ec, "syncing " + dir.string()));
  }
  ::close(fd);
  return {};
}

void remove_with_companions(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::remove(p.string() + "-wal", ec);
  std::filesystem::remove(p.string() + "-shm", ec);
  std::filesystem::remove(p, ec);
}

}  // namespace

int64_t day_number(Timestamp t) {
  return floor_div(t.micros, kMicrosPerDay);
}
Timestamp day_begin(int64_t day) {
  return Timestamp{day * kMicrosPerDay};
}

std::string day_file_name(int64_t day) {
  return fmt::format("{}{}{}", kPrefix, format_day(day_begin(day)), kSuffix);
}

std::optional<int64_t> parse_day_file_name(std::string_view name) {
  // security-events-YYYY.MM.DD.db
  if (name.size() != kPrefix.size() + 10 + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  const std::string_view date = name.substr(kPrefix.size(), 10);
  if (date[4] != '.' || date[7] != '.') return std::nullopt;
  auto num = [&](size_t pos, size_t len, int& out) {
    const char* end = date.data() + pos + len;
    auto [p, ec] = std::from_chars(date.data() + pos, end, out);
    return ec == std::errc() && p == end;
  };
  int y = 0, m = 0, d = 0;
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  const int64_t day = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  // Rejects dates that do not exist (2024.02.31) by formatting the day back.
  if (day_file_name(day) != name) return std::nullopt;
  return day;
}

std::filesystem::path day_file_path(const std::filesystem::path& dir, int64_t day) {
  return dir / day_file_name(day);
}

Result<std::vector<int64_t>> list_day_files(const std::filesystem::path& dir) {
  std::vector<int64_t> days;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec == std::errc::no_such_file_or_directory) return days;
  if (ec) return tl::unexpected(fs_error(ec, "listing " + dir.string()));
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (auto day = parse_day_file_name(it->path().filename().native())) days.push_back(*day);
  }
  if (ec) return tl::unexpected(fs_error(ec, "listing " + dir.string()));
  std::sort(days.rbegin(), days.rend());
  return days;
}

Result<void> ensure_day_file(const std::filesystem::path& dir, int64_t day) {
  const std::filesystem::path path = day_file_path(dir, day);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return {};
  // (fmt, not operator+: GCC 12 at -O3 warns falsely about operator+ here, -Wrestrict)
  const std::filesystem::path tmp = dir / fmt::format(".{}.creating", day_file_name(day));
  remove_with_companions(tmp);  // left over from a crash during creation
  {
    auto db = Database::open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db) return tl::unexpected(db.error());
    if (auto r = db->exec(kSchemaSql); !r) {
      db->close();
      remove_with_companions(tmp);
      return r;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    remove_with_companions(tmp);
    return tl::unexpected(fs_error(ec, "creating " + path.string()));
  }
  remove_with_companions(tmp);  // companions only: the main file has moved
  return sync_dir(dir);
}

Result<int> schema_version(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return tl::unexpected(stmt.error());
  const int rc = stmt->step();
  if (rc != SQLITE_ROW) return tl::unexpected(db.error(rc, "reading the schema version"));
  const int64_t version = stmt->int64(0);
  if (version < kOldestReadableSchema || version > kSchemaVersion) {
    return tl::unexpected(
        Error{ErrorCode::kStorage, fmt::format("{}: schema version {} (this vigil reads {} to {})",
                                               sqlite3_db_filename(db.get(), "main"), version,
                                               kOldestReadableSchema, kSchemaVersion)});
  }
  return static_cast<int>(version);
}

Result<int> upgrade_schema(Database& db) {
  auto version = schema_version(db);
  if (!version) return tl::unexpected(version.error());
  if (*version != 1) return *version;
  // 1 -> 2: blocks written from now on keep their lists in buckets; the blocks already
  // written keep one row per term and say so with buckets = 0. ADD COLUMN with a
  // default rewrites nothing. (2 -> 3 would mean documents with and without facts in
  // one file: a version-2 file stays version 2.)
  auto r = db.exec(
      "BEGIN IMMEDIATE; ALTER TABLE blocks ADD COLUMN buckets INTEGER NOT NULL DEFAULT 0; "
      "PRAGMA user_version = 2; COMMIT;");
  if (!r && sqlite3_get_autocommit(db.get()) == 0) (void)db.exec("ROLLBACK");
  if (!r) return tl::unexpected(r.error());
  return 2;
}

Result<bool> remove_day_file(const std::filesystem::path& dir, int64_t day) {
  const std::filesystem::path path = day_file_path(dir, day);
  std::error_code ec;
  std::filesystem::remove(path.string() + "-wal", ec);
  std::filesystem::remove(path.string() + "-shm", ec);
  const bool existed = std::filesystem::remove(path, ec);
  if (ec) return tl::unexpected(fs_error(ec, "removing " + path.string()));
  return existed;
}

bool is_storable_day(int64_t day) {
  static const int64_t kFirst = days_from_civil(0, 1, 1);
  static const int64_t kLast = days_from_civil(9999, 12, 31);
  return day >= kFirst && day <= kLast;
}

}  // namespace vigil::store
