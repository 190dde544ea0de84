// The embedded EventStore: one SQLite file per UTC day under data_dir (see day_file.h for
// the schema and posting_codec.h for how events are found).
//
// Threads: write(), write_unsynced() and apply_retention() serialize on the writer mutex
// (they are meant for one writer thread); sync() runs beside them on another thread;
// query() and check_health() share no state with the writer and run concurrently, each
// query on its own read-only connections.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "store/day_writer.h"
#include "store/event_store.h"

namespace vigil::store {

// Knobs the config file does not (yet) expose, and test hooks.
struct SqliteStoreOptions {
  size_t block_events = 8192;  // events per posting block
  int cache_kib = 16 * 1024;   // page cache per open day file (writer)
  // Test hook: a day file cannot grow beyond this many 16 KiB pages, as if the disk were
  // full (SQLITE_FULL). 0 = off.
  uint32_t max_page_count = 0;
  // Checkpoint the day files' WALs on a thread of the store's own (else SQLite's
  // automatic checkpoint, on the writer's thread).
  bool checkpoint_thread = true;
  // Test hook: flushes a WAL instead of fdatasync (0, or -1 with errno set).
  FileSync sync_file;
};

class SqliteEventStore final : public EventStore {
 public:
  static Result<std::unique_ptr<SqliteEventStore>> open(const StorageConfig& config,
                                                        const SqliteStoreOptions& options = {});
  // Writes the posting blocks of the open day files, so a restart starts without tails.
  ~SqliteEventStore() override;

  Result<void> write(std::span<const StoredEvent> batch) override;
  Result<void> write_unsynced(std::span<const StoredEvent> batch) override;
  // Runs beside write_unsynced (its own mutex), on the pipeline's sync thread.
  Result<void> sync() override;
  Result<EventPage> query(const EventQuery& q) override;
  Result<size_t> apply_retention(Timestamp now) override;
  Result<void> check_health() override;

 private:
  // The rows one batch added to one day file (to take back if the batch fails later).
  struct Committed {
    int64_t day;
    int64_t first_id;
  };
  struct DayGroup {
    int64_t day;
    size_t begin, end;  // into order_
  };

  SqliteEventStore(StorageConfig config, const SqliteStoreOptions& options);
  Result<DayWriter*> writer_for(int64_t day);
  Result<void> write_groups(std::span<const StoredEvent> batch, std::span<const DayGroup> groups,
                            bool last_chunk, std::vector<Committed>& committed);
  void undo(const std::vector<Committed>& committed);
  void note_unsynced(const std::shared_ptr<WalFile>& wal);
  std::optional<Error> sync_failure() const;
  void drop_writer(int64_t day) { writers_.erase(day); }
  void trim_writers(std::span<const DayGroup> keep);

  const StorageConfig config_;
  const SqliteStoreOptions options_;
  const std::filesystem::path dir_;
  WriterSettings settings_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // outlives the writers using it

  std::mutex writer_mutex_;  // guards everything below
  std::map<int64_t, std::unique_ptr<DayWriter>> writers_;
  std::vector<uint32_t> order_;           // reused across batches
  std::vector<const StoredEvent*> rows_;  // one day's events of the batch, in order_

  std::mutex flush_mutex_;         // held through a whole sync()
  mutable std::mutex sync_mutex_;  // guards the two below; never held while flushing
  std::vector<std::shared_ptr<WalFile>> unsynced_;  // WALs committed to since the last sync
  std::optional<Error> sync_failure_;               // set for good by a failed flush
};

}  // namespace vigil::store
