// Day files: names, schema, retention, and the factory.
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "store/day_file.h"
#include "store/posting_codec.h"
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
  EXPECT_EQ(pragma_text(db, "PRAGMA user_version"), "3");
  EXPECT_EQ(pragma_text(db, "PRAGMA page_size"), "16384");
  EXPECT_EQ(pragma_text(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"),
            "blocks,events,postings");
  EXPECT_EQ(pragma_text(db, "SELECT count(*) FROM events"), "1");
  // Closing the store wrote the open block: no tail is left behind.
  EXPECT_EQ(pragma_text(db, "SELECT count(*) FROM blocks"), "1");
  EXPECT_EQ(pragma_text(db, "SELECT time FROM events"),
            std::to_string(at(2024, 3, 1, 23, 59, 59, 999'999).micros));
  // The document as the pipeline serialized it: vigil's facts are only columns.
  EXPECT_EQ(pragma_text(db, "SELECT doc FROM events"), batch[0].json);
  sqlite3_close(db);
}

// A document as vigil stored it up to schema version 2: its facts its last member.
std::string document_with_facts(const StoredEvent& e) {
  std::string doc = e.json;
  doc.pop_back();
  return doc +
         fmt::format(R"(,"vigil":{{"severity":"{}","time_source":"event","received":"{}"}}}})",
                     to_string(e.severity), format_rfc3339(e.received));
}

// Version 1 as vigil wrote it up to session 12: no `buckets` column, a posting row per term.
void write_version_1_file(const std::filesystem::path& path,
                          const std::vector<StoredEvent>& events) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const char* schema = R"sql(
PRAGMA page_size = 16384;
CREATE TABLE events(id INTEGER PRIMARY KEY, time INTEGER NOT NULL, received INTEGER NOT NULL,
  time_from_receive INTEGER NOT NULL, severity INTEGER NOT NULL, event_type TEXT NOT NULL,
  user TEXT NOT NULL, source_ip TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE blocks(first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL,
  min_time INTEGER NOT NULL, max_time INTEGER NOT NULL);
CREATE TABLE postings(block INTEGER NOT NULL, term INTEGER NOT NULL, entries BLOB NOT NULL,
  PRIMARY KEY(block, term)) WITHOUT ROWID;
PRAGMA user_version = 1;
PRAGMA journal_mode = WAL;
)sql";
  ASSERT_EQ(sqlite3_exec(db, schema, nullptr, nullptr, nullptr), SQLITE_OK);
  std::map<int64_t, std::vector<Posting>> lists;
  int64_t id = 0;
  for (const StoredEvent& e : events) {
    ++id;
    const std::string row =
        fmt::format("INSERT INTO events VALUES({}, {}, {}, 0, {}, '{}', '{}', '{}', '{}')", id,
                    e.time.micros, e.received.micros, static_cast<int>(e.severity), e.event_type,
                    e.user, e.source_ip, document_with_facts(e));
    ASSERT_EQ(sqlite3_exec(db, row.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << row;
    for (int64_t term :
         {all_term(), term_of(TermField::kEventType, e.event_type),
          term_of(TermField::kUser, e.user), term_of(TermField::kSourceIp, e.source_ip)}) {
      lists[term].push_back({e.time.micros, id});
    }
  }
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO postings VALUES(1, ?, ?)", -1, &insert, nullptr),
            SQLITE_OK);
  for (auto& [term, list] : lists) {
    std::sort(list.begin(), list.end());
    std::string blob;
    encode_postings(list, blob);
    sqlite3_bind_int64(insert, 1, term);
    sqlite3_bind_blob(insert, 2, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  const auto [lo, hi] = std::minmax_element(
      events.begin(), events.end(), [](auto& a, auto& b) { return a.time.micros < b.time.micros; });
  const std::string block =
      fmt::format("INSERT INTO blocks VALUES(1, {}, {}, {})", id, lo->time.micros, hi->time.micros);
  ASSERT_EQ(sqlite3_exec(db, block.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

std::vector<int> seqs_of_user(EventStore& store, const std::string& user) {
  EventQuery q;
  q.user = user;
  return testing::query_all(store, q);
}

// A day file written by an older vigil: read as it is, then upgraded by the first write to
// that day, after which its old block (a row per term) and the new ones (buckets) are
// searched together.
TEST(StoreFiles, ReadsAndUpgradesAVersion1File) {
  TempDir dir;
  const std::vector<StoredEvent> old_events = {
      make_event(1, at(2024, 3, 1, 8), "login", "alice", "10.0.0.0"),
      make_event(2, at(2024, 3, 1, 9), "login", "bob", "10.0.1.0"),
      make_event(3, at(2024, 3, 1, 10), "logout", "alice", "10.0.1.0"),
  };
  const std::filesystem::path path = dir.path() / "security-events-2024.03.01.db";
  write_version_1_file(path, old_events);
  std::vector<StoredEvent> batch;
  {
    auto store = open_store(dir.path());
    ASSERT_TRUE(store);
    EXPECT_EQ(seqs_of_user(*store, "alice"), (std::vector<int>{3, 1}));  // newest first
    // 40 more users make the new block's 44 terms spread over two buckets.
    for (int i = 0; i < 80; ++i) {
      batch.push_back(make_event(10 + i, at(2024, 3, 1, 11, i), "login",
                                 i % 2 == 0 ? "alice" : fmt::format("user{}", i), "10.0.2.0"));
    }
    ASSERT_TRUE(store->write(batch));
  }  // closing writes the open block
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  std::vector<int> alice = {3, 1};
  for (int i = 0; i < 80; i += 2) alice.insert(alice.begin(), 10 + i);
  EXPECT_EQ(seqs_of_user(*store, "alice"), alice);
  EXPECT_EQ(seqs_of_user(*store, "bob"), (std::vector<int>{2}));
  EXPECT_EQ(seqs_of_user(*store, "user39"), (std::vector<int>{49}));
  EXPECT_TRUE(seqs_of_user(*store, "nobody").empty());
  EventQuery by_ip;
  by_ip.source_ip = "10.0.1.0";
  EXPECT_EQ(testing::query_all(*store, by_ip), (std::vector<int>{3, 2}));
  // Old and new rows alike come back with their facts once: a version-2 file keeps
  // them in its documents, so its writer goes on adding them there.
  EventQuery all;
  all.limit = 100;
  auto page = store->query(all);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->events_json.size(), 83u);
  for (const std::string& doc : page->events_json) {
    const int seq = testing::seq_of(doc);
    const StoredEvent& written = seq < 10 ? old_events[seq - 1] : batch[seq - 10];
    EXPECT_EQ(doc, document_with_facts(written));
  }
  store.reset();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(pragma_text(db, "PRAGMA user_version"), "2");
  EXPECT_EQ(pragma_text(db, "SELECT buckets FROM blocks ORDER BY first_id"), "0,2");
  EXPECT_EQ(pragma_text(db, "SELECT doc FROM events WHERE id = 4"), document_with_facts(batch[0]));
  sqlite3_close(db);
}

// A file newer than this vigil (or not vigil's) is refused with its name, not misread.
TEST(StoreFiles, RefusesAnUnknownSchemaVersion) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "security-events-2024.03.01.db";
  write_version_1_file(path, {make_event(1, at(2024, 3, 1, 8))});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 9", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = open_store(dir.path());
  ASSERT_TRUE(store);
  auto page = store->query(EventQuery{});
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().message.find("security-events-2024.03.01.db: schema version 9"),
            std::string::npos)
      << page.error().message;
  EXPECT_FALSE(store->write(std::vector<StoredEvent>{make_event(2, at(2024, 3, 1, 9))}));
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
