#include "store/wal_checkpointer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/sqlite_database.h"

namespace vigil::store {

WalCheckpointer::WalCheckpointer() : thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::request(const std::filesystem::path& day_file) {
  {
    std::lock_guard lock(mutex_);
    if (std::find(pending_.begin(), pending_.end(), day_file) != pending_.end()) return;
    pending_.push_back(day_file);
  }
  wake_.notify_one();
}

void WalCheckpointer::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return pending_.empty() && !running_; });
}

uint64_t WalCheckpointer::checkpoints_done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || !pending_.empty(); });
    if (stop_) break;
    const std::filesystem::path day_file = pending_.front();
    pending_.erase(pending_.begin());
    running_ = true;
    lock.unlock();
    checkpoint(day_file);
    lock.lock();
    running_ = false;
    ++done_;
    if (pending_.empty()) idle_.notify_all();
  }
  pending_.clear();
  idle_.notify_all();
}

// A connection per checkpoint: a few every million events, and none stays open on a
// file the writer has closed or retention has removed. It is never the file's last
// connection while its writer is open, so closing it leaves the WAL in place.
void WalCheckpointer::checkpoint(const std::filesystem::path& day_file) {
  auto db = Database::open(day_file, SQLITE_OPEN_READWRITE);
  // A new connection finds the file in WAL mode at its first read; before that, a
  // checkpoint does nothing and reports success.
  if (db) {
    if (auto read = db->exec("PRAGMA schema_version"); !read) db = tl::unexpected(read.error());
  }
  const int rc =
      db ? sqlite3_wal_checkpoint_v2(db->get(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr)
         : SQLITE_CANTOPEN;
  // Nothing is lost when a checkpoint fails (the frames stay in the WAL); the writer
  // checkpoints itself once its WAL outgrows the bound (DayWriter::kWalBoundFrames).
  if (!db) {
    spdlog::warn("event store: checkpoint of {} skipped: {}", day_file.string(),
                 db.error().message);
  } else if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    spdlog::warn("event store: checkpoint of {} failed: {}", day_file.string(),
                 db->error(rc, "checkpoint").message);
  }
}

}  // namespace vigil::store
