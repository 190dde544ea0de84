// Durability and failure: data outlives the store instance and a SIGKILL, a full disk
// gives kStorageFull with nothing of the batch stored, and writing resumes afterwards.
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::make_event;
using testing::query_all;
using testing::TempDir;

std::vector<StoredEvent> events(int first_seq, int n, Timestamp start, size_t doc_bytes = 0) {
  std::vector<StoredEvent> batch;
  for (int i = 0; i < n; ++i) {
    auto e = make_event(first_seq + i, Timestamp{start.micros + i * 1000}, "t",
                        "user" + std::to_string(i % 7), "10.0.0.0",
                        static_cast<Severity>(i % kSeverityCount));
    if (doc_bytes > e.json.size()) {
      e.json.insert(e.json.size() - 1, ",\"pad\":\"" + std::string(doc_bytes, 'x') + "\"");
    }
    batch.push_back(std::move(e));
  }
  return batch;
}

TEST(StoreDurability, VisibleFromANewInstance) {
  TempDir dir;
  SqliteStoreOptions options;
  options.block_events = 10;
  {
    auto store = testing::open_store(dir.path(), options);
    ASSERT_TRUE(store->write(events(0, 25, at(2024, 2, 1, 12))));
    ASSERT_TRUE(store->write(events(25, 5, at(2024, 2, 2, 12))));
  }
  auto store = testing::open_store(dir.path(), options);
  EXPECT_EQ(query_all(*store, {}).size(), 30u);
  EventQuery q;
  q.user = "user3";
  EXPECT_EQ(query_all(*store, q), (std::vector<int>{28, 24, 17, 10, 3}));
}

int64_t count_rows(const std::filesystem::path& db_path, const char* table) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = std::string("SELECT count(*) FROM ") + table;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(StoreDurability, NothingLostWhenKilledRightAfterWrite) {
  TempDir dir;
  SqliteStoreOptions options;
  options.block_events = 2000;
  // Batches of 1250, 1250, 500: one block of 2500 rows, then a tail of 500 rows that
  // only the killed process had in memory.
  const std::vector<std::vector<StoredEvent>> batches = {
      events(0, 1250, at(2024, 2, 1, 12)), events(1250, 1250, at(2024, 2, 1, 13)),
      events(2500, 500, at(2024, 2, 1, 14)), events(3000, 700, at(2024, 2, 1, 15)),
      events(3700, 1000, at(2024, 2, 1, 16))};
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    auto store = SqliteEventStore::open(testing::config_for(dir.path()), options);
    bool ok = store.has_value();
    for (size_t b = 0; ok && b < 3; ++b) ok = (*store)->write(batches[b]).has_value();
    const char byte = ok ? '1' : '0';
    (void)!write(ready[1], &byte, 1);
    pause();  // killed here, never closing the store
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  const ssize_t got = read(ready[0], &byte, 1);
  close(ready[0]);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_EQ(got, 1);
  ASSERT_EQ(byte, '1') << "the child's writes failed";
  ASSERT_TRUE(WIFSIGNALED(status));

  const auto file = dir.path() / "security-events-2024.02.01.db";
  EXPECT_EQ(count_rows(file, "events"), 3000);
  EXPECT_EQ(count_rows(file, "blocks"), 1);
  auto store = testing::open_store(dir.path(), options);
  EXPECT_EQ(query_all(*store, {}).size(), 3000u);
  // The tail is rebuilt on open: 500 + 700 stays a tail, + 1000 becomes a block whose
  // posting lists include the rows the child wrote.
  ASSERT_TRUE(store->write(batches[3]));
  ASSERT_TRUE(store->write(batches[4]));
  EXPECT_EQ(count_rows(file, "blocks"), 2);
  std::vector<const StoredEvent*> all;
  for (const auto& b : batches) {
    for (const auto& e : b) all.push_back(&e);
  }
  EventQuery q;
  q.user = "user5";
  q.min_severity = Severity::kHigh;
  std::vector<int> expected;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if ((*it)->user == q.user && (*it)->severity >= *q.min_severity) {
      expected.push_back(testing::seq_of((*it)->json));
    }
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(query_all(*store, q), expected);
  EXPECT_EQ(query_all(*store, {}).size(), all.size());
}

TEST(StoreDiskFull, PageLimitGivesStorageFullAndStoresNothingOfTheBatch) {
  TempDir dir;
  SqliteStoreOptions options;
  options.max_page_count = 64;  // 1 MiB per day file
  auto store = testing::open_store(dir.path(), options);
  ASSERT_TRUE(store->write(events(0, 10, at(2024, 2, 1, 12))));

  // Spans two days: the first day fits, the second does not; neither may keep anything.
  auto batch = events(10, 20, at(2024, 2, 2, 12));
  const auto big = events(30, 3000, at(2024, 2, 1, 13), 600);
  batch.insert(batch.end(), big.begin(), big.end());
  auto r = store->write(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kStorageFull) << r.error().message;
  EXPECT_EQ(query_all(*store, {}).size(), 10u);

  // The store is not wedged: what fits is written.
  ASSERT_TRUE(store->write(events(3030, 20, at(2024, 2, 2, 12))));
  EXPECT_EQ(query_all(*store, {}).size(), 30u);
}

TEST(StoreWrite, RejectsTimesNoDayFileCanHold) {
  TempDir dir;
  auto store = testing::open_store(dir.path());
  auto batch = events(0, 3, at(2024, 2, 1));
  batch.push_back(make_event(3, Timestamp{at(10000, 1, 1).micros}));
  auto r = store->write(batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(query_all(*store, {}).empty());
}

TEST(StoreWrite, BatchOverManyDaysIsWrittenCompletely) {
  TempDir dir;
  auto store = testing::open_store(dir.path());
  std::vector<StoredEvent> batch;
  for (int d = 0; d < 11; ++d) batch.push_back(make_event(d, at(2024, 1, 1 + d, 5)));
  ASSERT_TRUE(store->write(batch));
  ASSERT_TRUE(store->write(std::vector{make_event(11, at(2024, 1, 2, 6))}));
  EXPECT_EQ(query_all(*store, {}), (std::vector<int>{10, 9, 8, 7, 6, 5, 4, 3, 2, 11, 1, 0}));
}

TEST(StoreHealth, ReportsFullBelowTheReserveAndErrorsWithoutDirectory) {
  TempDir dir;
  auto store = testing::open_store(dir.path());
  auto ok = store->check_health();
  EXPECT_TRUE(ok) << ok.error().message;

  auto config = testing::config_for(dir.path());
  config.min_free_bytes = ~0ull;
  auto full = testing::open_store(config)->check_health();
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::kStorageFull);

  std::filesystem::remove_all(dir.path());
  auto gone = store->check_health();
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, ErrorCode::kStorage);
}

}  // namespace
}  // namespace vigil::store
