// The day files' WALs are checkpointed on the checkpointer's thread, not the writer's:
// the frames reach the day file while its writer keeps its connection open, and the WAL
// stays near SQLite's threshold instead of growing to the writer's own bound.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "store/sqlite_database.h"
#include "store/wal_checkpointer.h"
#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::TempDir;

constexpr uintmax_t kMiB = 1 << 20;

uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(StoreCheckpoints, CheckpointerCopiesTheWalIntoTheFileWhileItsWriterStaysOpen) {
  TempDir dir;
  const auto path = dir.path() / "wal.db";
  auto db = Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_TRUE(db);
  // No automatic checkpoint: only the checkpointer writes into the file.
  ASSERT_TRUE(
      db->exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;"
               "PRAGMA wal_autocheckpoint = 0; CREATE TABLE t(b BLOB);"
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 400) INSERT INTO t SELECT randomblob(10000) FROM n;"));
  const uintmax_t before = size_of(path);
  ASSERT_GT(size_of(path.string() + "-wal"), 4 * kMiB);  // 4 MB of rows, all in the WAL
  ASSERT_LT(before, kMiB);

  WalCheckpointer checkpointer;
  checkpointer.request(path);
  checkpointer.request(path);  // merged with the first, or a second pass over nothing new
  checkpointer.wait_idle();
  EXPECT_GE(checkpointer.checkpoints_done(), 1u);
  EXPECT_GT(size_of(path), 4 * kMiB);
  // The writer's connection sees every row, and writes on.
  auto count = db->prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count);
  ASSERT_EQ(count->step(), SQLITE_ROW);
  EXPECT_EQ(count->int64(0), 400);
  EXPECT_TRUE(db->exec("INSERT INTO t VALUES (zeroblob(10))"));
}

TEST(StoreCheckpoints, MissingFileIsReportedNotFatal) {
  TempDir dir;
  WalCheckpointer checkpointer;
  checkpointer.request(dir.path() / "gone.db");
  checkpointer.wait_idle();
  EXPECT_EQ(checkpointer.checkpoints_done(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "gone.db"));  // not created by it
}

// 48 MB of events, in batches as the pipeline writes them. The writer asks for a
// checkpoint past 1,000 frames (16 MiB) and would only checkpoint itself past 4,096
// (64 MiB), so a day file that grew past 16 MiB while the store was open shows the
// checkpointer copied the frames there. How far the WAL grows depends on timing: it is
// rewound only when a checkpoint finishes between two of the writer's commits, which
// back-to-back batches (an optimized build) may never leave time for — then it grows to
// the writer's own bound and no further.
TEST(StoreCheckpoints, CheckpointerFillsTheDayFileWhileTheStoreWrites) {
  TempDir dir;
  auto store = testing::open_store(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string padding(2000, 'x');
  constexpr int kBatches = 48;
  constexpr int kPerBatch = 500;
  int seq = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<StoredEvent> batch;
    for (int i = 0; i < kPerBatch; ++i, ++seq) {
      StoredEvent e = testing::make_event(seq, at(2024, 3, 1, 0, 0, seq / 1000));
      e.json.insert(e.json.size() - 1, R"(,"pad":")" + padding + "\"");
      batch.push_back(std::move(e));
    }
    ASSERT_TRUE(store->write(batch));
  }
  const auto day = dir.path() / "security-events-2024.03.01.db";
  const uintmax_t wal = size_of(day.string() + "-wal");
  const uintmax_t file = size_of(day);
  EXPECT_GT(file, 16 * kMiB) << "the day file did not receive the checkpointed frames";
  // The bound (4,096 frames of 16 KiB) plus the last batch's frames.
  EXPECT_LT(wal, 72 * kMiB) << "the WAL grew past the writer's own bound";
  EXPECT_EQ(testing::query_all(*store, {}).size(), size_t{kBatches * kPerBatch});
}

}  // namespace
}  // namespace vigil::store
