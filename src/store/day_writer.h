// The write side of one day file: a connection with cached statements, the next event
// id, and the posting block being filled. Only the store's writer thread uses it.
//
// State in memory is a cache of the file: after any failure the store calls reload(),
// which rebuilds it from the file (next id, the tail's posting block).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "core/error.h"
#include "store/event_store.h"
#include "store/posting_block.h"
#include "store/sqlite_database.h"
#include "store/wal_checkpointer.h"
#include "store/wal_file.h"

namespace vigil::store {

struct WriterSettings {
  // Commits never sync (synchronous=NORMAL): with hold_wal the WAL is kept open for
  // SqliteEventStore::sync() to flush; without it the file is not power-safe.
  bool hold_wal = false;
  int cache_kib = 16 * 1024;    // holds a whole batch: no spilling mid-transaction
  size_t block_events = 8192;   // events per posting block
  uint32_t max_page_count = 0;  // test hook: the file cannot grow beyond this; 0 = off
  // Checkpoints the WAL off the writer's thread; null: SQLite's automatic checkpoint.
  WalCheckpointer* checkpointer = nullptr;
};

class DayWriter {
 public:
  static Result<std::unique_ptr<DayWriter>> open(const std::filesystem::path& dir, int64_t day,
                                                 const WriterSettings& settings);

  int64_t day() const { return day_; }
  // The day file's WAL when the settings hold it (hold_wal), else null.
  const std::shared_ptr<WalFile>& wal() const { return wal_; }

  Result<void> begin();
  // Inside a transaction, in this order. The events' day must be this file's day.
  Result<void> insert(std::span<const StoredEvent* const> events);
  Result<void> commit();
  // Ends an open transaction, if any (also one SQLite already rolled back on error).
  void rollback() noexcept;
  // Compensation when a batch failed on another day after this one committed: deletes
  // the rows with id >= first_id (the batch's own rows).
  Result<void> delete_from(int64_t first_id);
  // Before committing a day that may need compensation: allocates room beyond the end of
  // the WAL for this transaction's commit plus a delete of the same rows, so that the
  // delete cannot fail for lack of space. kStorageFull if the room is not there.
  Result<void> reserve_for_undo();
  // Forgets the in-memory state and reads it back from the file (after a rollback).
  Result<void> reload();
  // First id the next insert gets (the batch's first id when called before it).
  int64_t next_id() const { return next_id_; }

  // Inside the batch's transaction: once the block holds block_events events, writes its
  // posting lists too (same commit, so no extra fsync). The block is emptied when the
  // commit succeeds; a rollback and reload() rebuild it.
  Result<void> index_block_if_full();
  // Writes whatever the block holds in its own transaction (closing the store).
  Result<void> flush_block();

 private:
  DayWriter(Database db, int64_t day, const WriterSettings& settings, bool documents_hold_facts)
      : db_(std::move(db)),
        day_(day),
        settings_(settings),
        documents_hold_facts_(documents_hold_facts) {}
  Result<void> configure();
  // SQLite's WAL hook, after each commit: `frames` is the WAL's length.
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  Result<void> load_state();
  Result<void> run(Statement& stmt, const char* what);
  Result<void> write_block();
  // Binds e as the row'th row of a statement that inserts several (with its facts
  // added to the document in a file that keeps them there).
  void bind_row(Statement& stmt, int row, const StoredEvent& e);
  // SQLite's work per statement (opening the cursor, seeking from the root, halting)
  // is ~40 % of a single-row insert's; a statement of this many rows pays it once.
  static constexpr int kRowsPerInsert = 32;
  // A checkpoint is asked for at SQLite's own threshold (16 MiB of 16 KiB pages). Should
  // the checkpointer fall behind (a slow disk, a failing checkpoint), the writer
  // checkpoints itself at the bound, so the WAL stays within journal_size_limit's 64 MiB.
  static constexpr int kCheckpointFrames = 1000;
  static constexpr int kWalBoundFrames = 4096;

  Database db_;
  std::shared_ptr<WalFile> wal_;
  std::filesystem::path path_;
  int64_t day_;
  WriterSettings settings_;
  Statement insert_, insert_many_, insert_posting_, insert_block_, begin_, commit_, rollback_;
  PostingBlock block_;
  int64_t next_id_ = 1;
  bool block_written_ = false;  // in the open transaction
  uint64_t tx_bytes_ = 0;       // about what the open transaction writes
  // A version-2 file's documents end with vigil's facts (day_file.h): the rows of one
  // statement, bound as they are until it runs.
  bool documents_hold_facts_;
  std::array<std::string, kRowsPerInsert> documents_with_facts_;
};

}  // namespace vigil::store
