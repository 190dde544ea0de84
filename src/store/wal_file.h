// A day file's write-ahead log, held open so that another thread than the writer's can
// flush it to disk (fdatasync).
//
// Why: with synchronous=FULL SQLite flushes the WAL inside every COMMIT, and the writer
// thread, the store's critical path, waits on the disk each time. SqliteEventStore
// instead commits with synchronous=NORMAL (SQLite still syncs around checkpoints and
// when the WAL is reused) and flushes the WALs a batch was committed to before that
// batch is acknowledged: the same durability for every acknowledged event, while the
// writer already writes the next batch.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "core/error.h"

namespace vigil::store {

// Flushes a file descriptor's data: fdatasync, or a test's stand-in (0, or -1 with errno).
using FileSync = std::function<int(int fd)>;

class WalFile {
 public:
  // The "-wal" file of `db`'s main database, open in WAL mode (the file exists while a
  // connection is open and has read the database).
  static Result<std::shared_ptr<WalFile>> open(sqlite3* db);
  ~WalFile();
  WalFile(const WalFile&) = delete;
  WalFile& operator=(const WalFile&) = delete;

  // Everything written to the WAL before this call reaches the disk. A descriptor of a
  // WAL SQLite has since checkpointed and deleted flushes nothing, which is right: a
  // checkpoint syncs the WAL before copying it and the database file after.
  Result<void> flush(const FileSync& sync) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  WalFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::filesystem::path path_;
};

}  // namespace vigil::store
