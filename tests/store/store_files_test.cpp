// Day files: names, schema, retention, and the factory.
#include <sqlite3.h>

#include <fstream>
#include <set>

#include "store/day_file.h"
#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::make_event;
using testing::open_store;
using testing::TempDir;

std::set<std::string> files_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

std::string pragma_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sql;
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    if (!out.empty()) out += ",";
    out += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return out;
}

TEST(StoreFiles, OneFilePerUtcDayWithTheSchema) {
  TempDir dir;
  auto store = open_store(dir.path());
  const std::vector<StoredEvent> batch = {
      make_event(1, at(2024, 3, 1, 23, 59, 59, 999'999)),
      make_event(2, at(2024, 3, 2)),
      make_event(3, at(2024, 2, 29, 12)),
  };
  ASSERT_TRUE(store->write(batch));
  std::set<std::string> dbs;
  for (const auto& name : files_in(dir.path())) {
    if (name.ends_with(".db")) dbs.insert(name);
    EXPECT_TRUE(name.starts_with("security-events-")) << name;  // no temp files left
  }
  EXPECT_EQ(dbs,
            (std::set<std::string>{"security-events-2024.02.29.db", "security-events-2024.03.01.db",
                                   "security-events-2024.03.02.db"}));
  store.reset();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "security-events-2024.03.01.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(pragma_text(db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma_text(db, "PRAGMA user_version"), "1");
  EXPECT_EQ(pragma_text(db, "PRAGMA page_size"), "16384");
  EXPECT_EQ(pragma_text(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"),
            "blocks,events,postings");
  EXPECT_EQ(pragma_text(db, "SELECT count(*) FROM events"), "1");
  // Closing the store wrote the open block: no tail is left behind.
  EXPECT_EQ(pragma_text(db, "SELECT count(*) FROM blocks"), "1");
  EXPECT_EQ(pragma_text(db, "SELECT time FROM events"),
            std::to_string(at(2024, 3, 1, 23, 59, 59, 999'999).micros));
  sqlite3_close(db);
}

TEST(StoreFiles, DayFileNamesParseStrictly) {
  const int64_t day = days_from_civil(2024, 2, 29);
  EXPECT_EQ(day_file_name(day), "security-events-2024.02.29.db");
  EXPECT_EQ(parse_day_file_name("security-events-2024.02.29.db"), day);
  for (const char* bad : {"security-events-2023.02.29.db", "security-events-2024.13.01.db",
                          "security-events-2024.1.01.db", "security-events-2024.01.01.db-wal",
                          ".security-events-2024.01.01.db.creating",
                          "security-events-+024.01.01.db", "other-2024.01.01.db"}) {
    EXPECT_EQ(parse_day_file_name(bad), std::nullopt) << bad;
  }
}

TEST(StoreFiles, ForeignFileIsAnErrorNotSilentlyMissingData) {
  TempDir dir;
  auto store = open_store(dir.path());
  ASSERT_TRUE(store->write(std::vector{make_event(1, at(2024, 1, 2))}));
  {
    std::ofstream junk(dir.path() / "security-events-2024.01.01.db");
    junk << "not a database, but long enough to look like one to a quick glance......";
  }
  EventQuery q;
  q.from = at(2024, 1, 2);
  EXPECT_EQ(testing::query_all(*store, q), std::vector<int>{1});  // other days unaffected
  auto all = store->query({});
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, ErrorCode::kStorage);
  EXPECT_NE(all.error().message.find("2024.01.01"), std::string::npos) << all.error().message;
  auto w = store->write(std::vector{make_event(2, at(2024, 1, 1))});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, ErrorCode::kStorage);
  EXPECT_TRUE(store->write(std::vector{make_event(3, at(2024, 1, 2))}));
}

TEST(StoreRetention, DeletesOnlyDaysOlderThanRetention) {
  TempDir dir;
  auto store = open_store(dir.path(), {}, /*retention_days=*/30);
  const Timestamp now = at(2024, 5, 31, 12);
  std::vector<StoredEvent> batch;
  int seq = 0;
  for (int back : {45, 31, 30, 29, 0}) {
    batch.push_back(make_event(seq++, Timestamp{now.micros - back * 86'400'000'000LL}));
  }
  ASSERT_TRUE(store->write(batch));
  // Some of these files are open in the writer (with -wal/-shm), some are closed.

  auto removed = store->apply_retention(now);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2u);
  std::set<std::string> left;  // a leftover -wal/-shm would show its day here too
  for (const auto& name : files_in(dir.path())) left.insert(name.substr(0, 29));
  EXPECT_EQ(left,
            (std::set<std::string>{"security-events-2024.05.01.db", "security-events-2024.05.02.db",
                                   "security-events-2024.05.31.db"}));
  EXPECT_EQ(testing::query_all(*store, {}), (std::vector<int>{4, 3, 2}));
  // The store keeps writing, also into a day whose file it had open before.
  ASSERT_TRUE(store->write(std::vector{make_event(9, now)}));
  EXPECT_EQ(testing::query_all(*store, {}).size(), 4u);
  auto again = store->apply_retention(now);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
}

TEST(StoreRetention, ZeroKeepsEverything) {
  TempDir dir;
  auto store = open_store(dir.path(), {}, /*retention_days=*/0);
  ASSERT_TRUE(store->write(std::vector{make_event(1, at(2001, 1, 1))}));
  auto removed = store->apply_retention(at(2024, 1, 1));
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 0u);
  EXPECT_EQ(testing::query_all(*store, {}), std::vector<int>{1});
}

TEST(StoreFactory, MakesSqliteAndRejectsUnknownTypes) {
  TempDir dir;
  auto store = make_event_store("sqlite", testing::config_for(dir.path()));
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->write(std::vector{make_event(1, at(2024, 1, 1))}));
  EXPECT_EQ(testing::query_all(**store, {}), std::vector<int>{1});

  auto unknown = make_event_store("elasticsearch", testing::config_for(dir.path()));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kConfig);
  EXPECT_NE(unknown.error().message.find("sqlite"), std::string::npos);

  auto config = testing::config_for(dir.path());
  config.synchronous = "off";
  auto bad_sync = make_event_store("sqlite", config);
  ASSERT_FALSE(bad_sync);
  EXPECT_EQ(bad_sync.error().code, ErrorCode::kConfig);
}

TEST(StoreFiles, SynchronousNormalIsApplied) {
  TempDir dir;
  auto config = testing::config_for(dir.path());
  config.synchronous = "normal";
  auto store = SqliteEventStore::open(config);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->write(std::vector{make_event(1, at(2024, 1, 1))}));
  EXPECT_EQ(testing::query_all(**store, {}), std::vector<int>{1});
}

}  // namespace
}  // namespace vigil::store
