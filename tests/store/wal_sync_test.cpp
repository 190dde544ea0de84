// The store's durability in two steps (write_unsynced, then sync on another thread):
// the WALs a batch was committed to are flushed by sync(), once each, and only then;
// a failed flush leaves the store refusing writes until a restart, because what was
// written after the lost pages cannot be promised durable (see sync() in
// sqlite_event_store.cpp). The flush is a hook here: a real fdatasync cannot be made
// to fail, and counting calls to it is what the tests check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::make_event;
using testing::TempDir;

struct FlushRecorder {
  std::atomic<int> calls{0};
  std::atomic<int> fail_with{0};  // an errno to fail with; 0: succeed
  FileSync hook() {
    return [this](int fd) {
      ++calls;
      if (fail_with != 0) {
        errno = fail_with;
        return -1;
      }
      return ::fdatasync(fd);
    };
  }
};

std::vector<StoredEvent> events_on_days(std::initializer_list<unsigned> days, int first_seq) {
  std::vector<StoredEvent> batch;
  int seq = first_seq;
  for (unsigned day : days) batch.push_back(make_event(seq++, at(2024, 5, day, 12)));
  return batch;
}

class StoreWalSync : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteEventStore> open(const std::string& synchronous = "full") {
    SqliteStoreOptions options;
    options.sync_file = flushes.hook();
    StorageConfig config = testing::config_for(dir.path());
    config.synchronous = synchronous;
    return testing::open_store(config, options);
  }

  TempDir dir;
  FlushRecorder flushes;
};

TEST_F(StoreWalSync, CommittedBatchesAreFlushedBySyncAndOnlyThere) {
  auto store = open();
  ASSERT_NE(store, nullptr);

  ASSERT_TRUE(store->write_unsynced(events_on_days({1}, 0)));
  ASSERT_TRUE(store->write_unsynced(events_on_days({1, 2}, 10)));
  // (Counts only this hook: SQLite's own syncs at COMMIT are ruled out by the
  // connections' synchronous=NORMAL, not by this line.)
  EXPECT_EQ(flushes.calls, 0) << "a commit flushed the WAL through the hook";
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(flushes.calls, 2) << "one flush per day file written to, however many batches";
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(flushes.calls, 2) << "nothing new to flush";
  ASSERT_TRUE(store->write(events_on_days({2}, 20)));
  EXPECT_EQ(flushes.calls, 3) << "write() is durable: it flushes before returning";
  EXPECT_EQ(testing::query_all(*store, {}).size(), 4u);
}

// The interleaving the pipeline relies on: a batch committed while a flush of
// the same WAL runs is flushed again by the next sync, which waits for the
// running one instead of returning at once with nothing left to flush.
TEST_F(StoreWalSync, ACommitDuringAFlushIsFlushedByTheNextSync) {
  std::mutex mu;
  std::condition_variable cv;
  bool gate_open = false;
  int entered = 0;
  SqliteStoreOptions options;
  options.sync_file = [&](int fd) {
    std::unique_lock lock(mu);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return gate_open; });
    return ::fdatasync(fd);
  };
  auto store = testing::open_store(dir.path(), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->write_unsynced(events_on_days({1}, 0)));
  std::atomic<bool> first_done{false}, idle_done{false}, second_done{false};
  std::thread first([&] {
    EXPECT_TRUE(store->sync());
    first_done = true;
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered == 1; });
  }
  // A sync with nothing new of its own must not report the first one's files
  // durable while they are still being flushed.
  std::thread idle([&] {
    EXPECT_TRUE(store->sync());
    idle_done = true;
  });
  ASSERT_TRUE(store->write_unsynced(events_on_days({1}, 1)));  // while the flush is held
  std::thread second([&] {
    EXPECT_TRUE(store->sync());
    second_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(first_done);
  EXPECT_FALSE(idle_done) << "a sync returned while another still flushed";
  EXPECT_FALSE(second_done) << "a sync returned while another still flushed";
  {
    std::lock_guard lock(mu);
    gate_open = true;
  }
  cv.notify_all();
  first.join();
  idle.join();
  second.join();
  EXPECT_GE(entered, 2) << "the batch committed during the first flush was not flushed again";
}

TEST_F(StoreWalSync, AFailedFlushRefusesEveryWriteUntilRestart) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->write(events_on_days({1}, 0)));
    flushes.fail_with = EIO;
    ASSERT_TRUE(store->write_unsynced(events_on_days({1}, 1)));
    auto synced = store->sync();
    ASSERT_FALSE(synced);
    EXPECT_EQ(synced.error().code, ErrorCode::kStorage);
    EXPECT_NE(synced.error().message.find("restart"), std::string::npos) << synced.error().message;

    flushes.fail_with = 0;  // the disk works again: the store still may not promise anything
    EXPECT_FALSE(store->write_unsynced(events_on_days({1}, 2)));
    EXPECT_FALSE(store->write(events_on_days({1}, 3)));
    EXPECT_FALSE(store->sync());
    EXPECT_FALSE(store->check_health());
    // Reads go on: what was committed is there (the flush failed, not the commit).
    EXPECT_EQ(testing::query_all(*store, {}).size(), 2u);
  }
  auto restarted = open();
  ASSERT_NE(restarted, nullptr);
  EXPECT_TRUE(restarted->check_health());
  EXPECT_TRUE(restarted->write(events_on_days({1}, 4)));
}

TEST_F(StoreWalSync, NormalSynchronousNeverFlushes) {
  auto store = open("normal");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->write(events_on_days({1, 2}, 0)));
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(flushes.calls, 0);
}

}  // namespace
}  // namespace vigil::store
