#include "store/day_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/day_file.h"
#include "store/document_facts.h"

namespace vigil::store {

Result<std::unique_ptr<DayWriter>> DayWriter::open(const std::filesystem::path& dir, int64_t day,
                                                   const WriterSettings& settings) {
  if (auto r = ensure_day_file(dir, day); !r) return tl::unexpected(r.error());
  auto db = Database::open(day_file_path(dir, day), SQLITE_OPEN_READWRITE);
  if (!db) return tl::unexpected(db.error());
  auto schema = upgrade_schema(*db);
  if (!schema) return tl::unexpected(schema.error());
  std::unique_ptr<DayWriter> w(
      new DayWriter(std::move(*db), day, settings, documents_hold_facts(*schema)));
  if (auto r = w->configure(); !r) return tl::unexpected(r.error());
  if (auto r = w->load_state(); !r) return tl::unexpected(r.error());
  if (settings.hold_wal) {
    auto wal = WalFile::open(w->db_.get());  // created by the reads above
    if (!wal) return tl::unexpected(wal.error());
    w->wal_ = std::move(*wal);
  }
  return w;
}

Result<void> DayWriter::configure() {
  // journal_mode is persistent, set again in case a crash hit between creation steps.
  // journal_size_limit: the WAL is rewound after each checkpoint; keep at most this much
  // of it on disk instead of growing to the largest batch ever seen. The automatic
  // checkpoint stays at 1000 pages (16 MiB): larger or no checkpoints measured no faster.
  // synchronous = NORMAL: no sync at COMMIT; the store flushes the WAL itself before a
  // batch is acknowledged (hold_wal, SqliteEventStore::sync), or not at all.
  const std::string pragmas = fmt::format(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -{};"
      "PRAGMA journal_size_limit = 67108864; PRAGMA temp_store = MEMORY;",
      settings_.cache_kib);
  if (auto r = db_.exec(pragmas.c_str()); !r) return r;
  if (settings_.checkpointer != nullptr) {
    path_ = sqlite3_db_filename(db_.get(), "main");
    sqlite3_wal_hook(db_.get(), &DayWriter::on_commit, this);  // replaces the automatic one
  }
  if (settings_.max_page_count != 0) {
    const std::string limit = fmt::format("PRAGMA max_page_count = {}", settings_.max_page_count);
    if (auto r = db_.exec(limit.c_str()); !r) return r;
  }
  const std::string insert_sql =
      "INSERT OR ROLLBACK INTO events(id, time, received, time_from_receive, severity, "
      "event_type, user, "
      "source_ip, doc) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)";
  std::string insert_many_sql = insert_sql;
  for (int row = 1; row < kRowsPerInsert; ++row) insert_many_sql += ", (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  struct {
    Statement* stmt;
    const char* sql;
  } const statements[] = {
      {&insert_, insert_sql.c_str()},
      {&insert_many_, insert_many_sql.c_str()},
      {&insert_posting_, "INSERT INTO postings(block, term, entries) VALUES(?, ?, ?)"},
      {&insert_block_,
       "INSERT INTO blocks(first_id, last_id, min_time, max_time, buckets) "
       "VALUES(?, ?, ?, ?, ?)"},
      {&begin_, "BEGIN"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
  };
  for (const auto& s : statements) {
    auto stmt = db_.prepare(s.sql, /*persistent=*/true);
    if (!stmt) return tl::unexpected(stmt.error());
    *s.stmt = std::move(*stmt);
  }
  return {};
}

int DayWriter::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& writer = *static_cast<DayWriter*>(self);
  if (frames >= kWalBoundFrames) {
    // Failing is harmless here as there: the frames stay in the WAL, the commit stands.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= kCheckpointFrames) {
    writer.settings_.checkpointer->request(writer.path_);
  }
  return SQLITE_OK;
}

Result<void> DayWriter::load_state() {
  auto read_int = [&](const char* sql) -> Result<int64_t> {
    auto stmt = db_.prepare(sql);
    if (!stmt) return tl::unexpected(stmt.error());
    const int rc = stmt->step();
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) return tl::unexpected(db_.error(rc, sql));
    return stmt->int64(0);
  };
  auto posted = read_int("SELECT last_id FROM blocks ORDER BY first_id DESC LIMIT 1");
  if (!posted) return tl::unexpected(posted.error());
  auto max_id = read_int("SELECT coalesce(max(id), 0) FROM events");
  if (!max_id) return tl::unexpected(max_id.error());
  // Ids inside a block's range are never handed out again, not even those of rows a failed
  // batch deleted: the range must keep meaning "these rows and no others". Past the last
  // block nothing refers to an id, so the ids of deleted tail rows may come back.
  next_id_ = std::max(*posted, *max_id) + 1;

  // Rows committed after the last block (a crash, or the store closed mid-block) go back
  // into the block being filled.
  auto tail = db_.prepare(
      "SELECT id, time, severity, event_type, user, source_ip FROM events WHERE id > ? "
      "ORDER BY id");
  if (!tail) return tl::unexpected(tail.error());
  tail->bind(1, *posted);
  int rc;
  while ((rc = tail->step()) == SQLITE_ROW) {
    const auto sev = static_cast<Severity>(std::clamp<int64_t>(tail->int64(2), 0, 4));
    block_.add(tail->int64(0), tail->int64(1), sev, tail->text(3), tail->text(4), tail->text(5));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_.error(rc, "reading the unindexed tail"));
  return {};
}

Result<void> DayWriter::reload() {
  block_.clear();
  block_written_ = false;
  return load_state();
}

Result<void> DayWriter::run(Statement& stmt, const char* what) {
  const int rc = stmt.step();
  stmt.reset();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return tl::unexpected(db_.error(rc, what));
  return {};
}

Result<void> DayWriter::begin() {
  block_written_ = false;
  tx_bytes_ = 0;
  return run(begin_, "BEGIN");
}

void DayWriter::bind_row(Statement& stmt, int row, const StoredEvent& e) {
  const int at = 9 * row;
  stmt.bind(at + 1, next_id_ + row);
  stmt.bind(at + 2, e.time.micros);
  stmt.bind(at + 3, e.received.micros);
  stmt.bind(at + 4, int64_t{e.time_from_receive});
  stmt.bind(at + 5, static_cast<int64_t>(e.severity));
  stmt.bind(at + 6, e.event_type);
  stmt.bind(at + 7, e.user);
  stmt.bind(at + 8, e.source_ip);
  if (!documents_hold_facts_) {
    stmt.bind(at + 9, e.json);
    return;
  }
  std::string& doc = documents_with_facts_[static_cast<size_t>(row)];
  doc = e.json;
  add_document_facts(doc, {e.severity, e.time_from_receive, e.received});
  stmt.bind(at + 9, doc);
}

Result<void> DayWriter::insert(std::span<const StoredEvent* const> events) {
  while (!events.empty()) {
    const bool many = events.size() >= kRowsPerInsert;
    const size_t rows = many ? kRowsPerInsert : 1;
    Statement& stmt = many ? insert_many_ : insert_;
    for (size_t row = 0; row < rows; ++row) bind_row(stmt, static_cast<int>(row), *events[row]);
    if (auto r = run(stmt, "inserting events"); !r) return r;
    for (const StoredEvent* e : events.first(rows)) {
      block_.add(next_id_, e->time.micros, e->severity, e->event_type, e->user, e->source_ip);
      ++next_id_;
      tx_bytes_ +=
          e->json.size() + e->event_type.size() + e->user.size() + e->source_ip.size() + 48;
    }
    events = events.subspan(rows);
  }
  return {};
}

Result<void> DayWriter::commit() {
  if (auto r = run(commit_, "COMMIT"); !r) return r;
  if (block_written_) block_.clear();
  block_written_ = false;
  return {};
}

void DayWriter::rollback() noexcept {
  if (sqlite3_get_autocommit(db_.get()) == 0) (void)run(rollback_, "ROLLBACK");
  // The in-memory block still holds the rolled-back rows: callers reload().
  block_written_ = false;
}

Result<void> DayWriter::delete_from(int64_t first_id) {
  auto stmt = db_.prepare("DELETE FROM events WHERE id >= ?");
  if (!stmt) return tl::unexpected(stmt.error());
  stmt->bind(1, first_id);
  return run(*stmt, "undoing a partly stored batch");
}

Result<void> DayWriter::reserve_for_undo() {
  // The commit and the delete each write about the transaction's bytes in pages; the
  // slack covers B-tree interior and freelist pages and the page granularity.
  const uint64_t bytes = 2 * tx_bytes_ + (512 << 10);
  // SQLite takes no locks on the -wal file (WAL locks live in -shm), so a second
  // descriptor for fallocate is harmless. KEEP_SIZE: SQLite still sees the same WAL.
  const std::string wal = std::string(sqlite3_db_filename(db_.get(), "main")) + "-wal";
  const int fd = ::open(wal.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return {};  // no WAL yet: nothing to extend
  struct stat st {};
  int rc = ::fstat(fd, &st);
  if (rc == 0) rc = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, st.st_size, static_cast<off_t>(bytes));
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  if (err == ENOSPC || err == EDQUOT) {
    return make_error(ErrorCode::kStorageFull, fmt::format("reserving {} KiB for {}: {}",
                                                           bytes / 1024, wal, std::strerror(err)));
  }
  return {};  // other errors (no fallocate support): go on without the reserve
}

Result<void> DayWriter::write_block() {
  const int64_t block = block_.first_id();
  auto buckets = block_.write_buckets([&](int64_t bucket, std::string_view row) {
    insert_posting_.bind(1, block);
    insert_posting_.bind(2, bucket);
    insert_posting_.bind_blob(3, row);
    tx_bytes_ += row.size() + 24;
    return run(insert_posting_, "writing a posting bucket");
  });
  if (!buckets) return tl::unexpected(buckets.error());
  insert_block_.bind(1, block);
  insert_block_.bind(2, block_.last_id());
  insert_block_.bind(3, block_.min_time());
  insert_block_.bind(4, block_.max_time());
  insert_block_.bind(5, int64_t{*buckets});
  if (auto r = run(insert_block_, "writing a posting block"); !r) return r;
  block_written_ = true;
  return {};
}

Result<void> DayWriter::index_block_if_full() {
  if (block_written_ || block_.events() < settings_.block_events) return {};
  return write_block();
}

Result<void> DayWriter::flush_block() {
  if (block_.empty() || block_written_) return {};
  Result<void> r = begin();
  if (r) r = write_block();
  if (r) r = commit();
  if (!r) rollback();
  return r;
}

}  // namespace vigil::store
