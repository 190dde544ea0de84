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
#include <memory>
#include <string>
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
  EXPECT_EQ(flushes.calls, 0) << "a commit flushed the WAL itself";
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(flushes.calls, 2) << "one flush per day file written to, however many batches";
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(flushes.calls, 2) << "nothing new to flush";
  ASSERT_TRUE(store->write(events_on_days({2}, 20)));
  EXPECT_EQ(flushes.calls, 3) << "write() is durable: it flushes before returning";
  EXPECT_EQ(testing::query_all(*store, {}).size(), 4u);
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
