#include "store/sqlite_event_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "store/day_file.h"
#include "store/day_search.h"
#include "store/disk_health.h"

namespace vigil::store {
namespace {

// Open day files on the write side. Batches normally touch today (and yesterday around
// midnight or for late events); more days in one batch are written a few at a time.
constexpr size_t kMaxOpenWriters = 4;

}  // namespace

Result<std::unique_ptr<SqliteEventStore>> SqliteEventStore::open(
    const StorageConfig& config, const SqliteStoreOptions& options) {
  if (config.synchronous != "full" && config.synchronous != "normal") {
    return make_error(
        ErrorCode::kConfig,
        fmt::format("storage.synchronous: '{}' is not full or normal", config.synchronous));
  }
  if (config.retention_days < 0) {
    return make_error(ErrorCode::kConfig, "storage.retention_days must not be negative");
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    return make_error(ec.value() == ENOSPC ? ErrorCode::kStorageFull : ErrorCode::kStorage,
                      fmt::format("creating {}: {}", config.data_dir, ec.message()));
  }
  return std::unique_ptr<SqliteEventStore>(new SqliteEventStore(config, options));
}

SqliteEventStore::SqliteEventStore(StorageConfig config, const SqliteStoreOptions& options)
    : config_(std::move(config)), options_(options), dir_(config_.data_dir) {
  // "full": sync() flushes the WALs before a batch is acknowledged (wal_file.h);
  // "normal": nothing flushes them until a checkpoint.
  settings_.hold_wal = config_.synchronous == "full";
  settings_.cache_kib = options_.cache_kib;
  settings_.block_events = std::max<size_t>(options_.block_events, 1);
  settings_.max_page_count = options_.max_page_count;
  if (options_.checkpoint_thread) {
    checkpointer_ = std::make_unique<WalCheckpointer>();
    settings_.checkpointer = checkpointer_.get();
  }
}

SqliteEventStore::~SqliteEventStore() {
  std::lock_guard lock(writer_mutex_);
  for (auto& [day, writer] : writers_) {
    if (auto r = writer->flush_block(); !r) {
      spdlog::warn("event store: posting block of {} left as tail: {}", day_file_name(day),
                   r.error().message);
    }
  }
}

Result<void> SqliteEventStore::write(std::span<const StoredEvent> batch) {
  if (auto r = write_unsynced(batch); !r) return r;
  return sync();
}

Result<void> SqliteEventStore::write_unsynced(std::span<const StoredEvent> batch) {
  if (auto failed = sync_failure()) return tl::unexpected(*failed);
  if (batch.empty()) return {};
  for (const StoredEvent& e : batch) {
    if (!is_storable_day(day_number(e.time))) {
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("event time {} is outside the years 0000-9999", e.time.micros));
    }
  }
  std::lock_guard lock(writer_mutex_);
  // Time order groups the batch by day, and appends each day's rows in time order
  // (stable: equal times keep their arrival order, which the id then records).
  order_.resize(batch.size());
  std::iota(order_.begin(), order_.end(), 0u);
  std::stable_sort(order_.begin(), order_.end(),
                   [&](uint32_t a, uint32_t b) { return batch[a].time < batch[b].time; });
  std::vector<DayGroup> groups;
  for (size_t i = 0; i < order_.size(); ++i) {
    const int64_t day = day_number(batch[order_[i]].time);
    if (groups.empty() || groups.back().day != day) groups.push_back({day, i, i});
    groups.back().end = i + 1;
  }

  std::vector<Committed> committed;
  for (size_t g = 0; g < groups.size(); g += kMaxOpenWriters) {
    const auto chunk = std::span(groups).subspan(g, std::min(kMaxOpenWriters, groups.size() - g));
    trim_writers(chunk);
    const bool last_chunk = g + chunk.size() == groups.size();
    if (auto r = write_groups(batch, chunk, last_chunk, committed); !r) {
      undo(committed);
      return r;
    }
  }
  return {};
}

Result<void> SqliteEventStore::write_groups(std::span<const StoredEvent> batch,
                                            std::span<const DayGroup> groups, bool last_chunk,
                                            std::vector<Committed>& committed) {
  std::vector<DayWriter*> writers;
  for (const DayGroup& group : groups) {
    auto w = writer_for(group.day);
    if (!w) return tl::unexpected(w.error());
    writers.push_back(*w);
  }
  // After a failure the writers' in-memory state (next id, block) is ahead of the file:
  // it is read back. The connections stay open: closing would checkpoint and recreate the
  // -wal/-shm files, more writes on a disk that may be full.
  auto fail = [&](Error e) -> Result<void> {
    for (size_t i = 0; i < writers.size(); ++i) {
      writers[i]->rollback();
      if (!writers[i]->reload()) drop_writer(groups[i].day);
    }
    return tl::unexpected(std::move(e));
  };
  // Two phases: all inserts first (SQLITE_FULL from the page limit happens here and
  // leaves nothing committed), then the commits. A full disk shows at COMMIT, when the WAL
  // grows: a day that committed before another day's commit failed is taken back (undo),
  // and room for that is reserved up front, since the undo writes too.
  std::vector<int64_t> first_ids;
  for (size_t i = 0; i < groups.size(); ++i) {
    first_ids.push_back(writers[i]->next_id());
    if (auto r = writers[i]->begin(); !r) return fail(r.error());
    rows_.clear();
    for (size_t k = groups[i].begin; k < groups[i].end; ++k) rows_.push_back(&batch[order_[k]]);
    if (auto r = writers[i]->insert(rows_); !r) return fail(r.error());
    if (auto r = writers[i]->index_block_if_full(); !r) return fail(r.error());
    // The batch's last commit never needs undoing: single-day batches reserve nothing.
    if (!(last_chunk && i + 1 == groups.size())) {
      if (auto r = writers[i]->reserve_for_undo(); !r) return fail(r.error());
    }
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    if (auto r = writers[i]->commit(); !r) return fail(r.error());
    committed.push_back({groups[i].day, first_ids[i]});
    if (writers[i]->wal()) note_unsynced(writers[i]->wal());
  }
  return {};
}

// Called after the commit that wrote to `wal`: a sync() that takes it from the list
// flushes after that commit.
void SqliteEventStore::note_unsynced(const std::shared_ptr<WalFile>& wal) {
  std::lock_guard lock(sync_mutex_);
  if (std::find(unsynced_.begin(), unsynced_.end(), wal) == unsynced_.end()) {
    unsynced_.push_back(wal);
  }
}

// A failed flush leaves frames of committed transactions that may never reach the disk,
// followed by frames of later ones; after a power loss SQLite's WAL recovery would stop
// at the first missing frame and drop the later, flushed ones too. Linux reports a
// writeback error once and may then succeed on pages it never wrote. So nothing written
// after a failed flush can be promised durable, and the store refuses writes until a
// restart (SQLite's recovery then reads what is really on disk): PostgreSQL's answer to
// the same problem.
Result<void> SqliteEventStore::sync() {
  // One flush at a time: a second caller that found the list empty while the
  // first still flushed its files would otherwise return before they are durable.
  std::lock_guard flushing(flush_mutex_);
  std::vector<std::shared_ptr<WalFile>> files;
  {
    std::lock_guard lock(sync_mutex_);
    if (sync_failure_) return tl::unexpected(*sync_failure_);
    files.swap(unsynced_);
  }
  for (const auto& wal : files) {
    auto flushed = wal->flush(options_.sync_file);
    if (flushed) continue;
    Error failure{
        ErrorCode::kStorage,
        fmt::format("{}; the store refuses writes until vigil restarts", flushed.error().message)};
    spdlog::error("event store: {}", failure.message);
    std::lock_guard lock(sync_mutex_);
    sync_failure_ = failure;
    return tl::unexpected(std::move(failure));
  }
  return {};
}

std::optional<Error> SqliteEventStore::sync_failure() const {
  std::lock_guard lock(sync_mutex_);
  return sync_failure_;
}

void SqliteEventStore::undo(const std::vector<Committed>& committed) {
  for (const Committed& c : committed) {
    auto w = writer_for(c.day);
    auto r = w ? (*w)->delete_from(c.first_id) : Result<void>(tl::unexpected(w.error()));
    if (!r) {
      spdlog::error("event store: batch failed but its rows in {} could not be removed: {}",
                    day_file_name(c.day), r.error().message);
    }
    if (!w || !(*w)->reload()) drop_writer(c.day);
  }
}

Result<DayWriter*> SqliteEventStore::writer_for(int64_t day) {
  auto it = writers_.find(day);
  if (it != writers_.end()) return it->second.get();
  auto w = DayWriter::open(dir_, day, settings_);
  if (!w) return tl::unexpected(w.error());
  return writers_.emplace(day, std::move(*w)).first->second.get();
}

void SqliteEventStore::trim_writers(std::span<const DayGroup> keep) {
  auto kept = [&](int64_t day) {
    return std::any_of(keep.begin(), keep.end(), [&](const DayGroup& g) { return g.day == day; });
  };
  size_t needed = 0;
  for (const DayGroup& g : keep) needed += writers_.count(g.day) == 0 ? 1 : 0;
  // Oldest days first: they are the least likely to receive more events. A closed
  // writer's unfinished block stays in the file as its tail.
  for (auto it = writers_.begin();
       it != writers_.end() && writers_.size() + needed > kMaxOpenWriters;) {
    it = kept(it->first) ? std::next(it) : writers_.erase(it);
  }
}

Result<EventPage> SqliteEventStore::query(const EventQuery& q) {
  return search_day_files(dir_, q);
}

Result<size_t> SqliteEventStore::apply_retention(Timestamp now) {
  if (config_.retention_days <= 0) return size_t{0};
  const int64_t oldest_kept = day_number(now) - config_.retention_days;
  std::lock_guard lock(writer_mutex_);
  auto days = list_day_files(dir_);
  if (!days) return tl::unexpected(days.error());
  size_t removed = 0;
  for (int64_t day : *days) {
    if (day >= oldest_kept) continue;
    drop_writer(day);  // never write into a file that is gone
    // Nor checkpoint into one: only writers ask, and they wait on writer_mutex_.
    if (checkpointer_) checkpointer_->wait_idle();
    auto r = remove_day_file(dir_, day);
    if (!r) return tl::unexpected(r.error());
    if (*r) ++removed;
  }
  return removed;
}

Result<void> SqliteEventStore::check_health() {
  if (auto failed = sync_failure()) return tl::unexpected(*failed);
  return check_disk_writable(dir_, config_.min_free_bytes);
}

}  // namespace vigil::store
