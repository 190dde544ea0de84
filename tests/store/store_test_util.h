// Helpers shared by the event store tests: events with a recognisable document, a temp
// data dir, and paging through a whole result.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/event_store.h"
#include "store/sqlite_event_store.h"
#include "support/test_data.h"

namespace vigil::store::testing {

inline Timestamp at(int y, unsigned m, unsigned d, int64_t hh = 0, int64_t mm = 0, int64_t ss = 0,
                    int64_t us = 0) {
  return Timestamp{(days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * 1'000'000 + us};
}

// The document carries `seq` so tests can tell events apart and check their order.
inline StoredEvent make_event(int seq, Timestamp time, std::string type = "login",
                              std::string user = "u1", std::string ip = "10.0.0.0",
                              Severity severity = Severity::kInfo) {
  StoredEvent e;
  e.time = time;
  e.received = Timestamp{time.micros + 1000};
  e.severity = severity;
  e.event_type = std::move(type);
  e.user = std::move(user);
  e.source_ip = std::move(ip);
  e.json = fmt::format(R"({{"seq":{},"time":{}}})", seq, time.micros);
  return e;
}

inline int seq_of(const std::string& json) {
  const auto pos = json.find("\"seq\":");
  return pos == std::string::npos ? -1 : std::stoi(json.substr(pos + 6));
}

class TempDir {
 public:
  TempDir() : path_(vigil::testing::make_temp_dir("vigil-store")) {}
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline StorageConfig config_for(const std::filesystem::path& dir, int retention_days = 30) {
  StorageConfig c;
  c.data_dir = dir.string();
  c.retention_days = retention_days;
  return c;
}

inline std::unique_ptr<SqliteEventStore> open_store(const StorageConfig& config,
                                                    SqliteStoreOptions options = {}) {
  auto s = SqliteEventStore::open(config, options);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : nullptr;
}

inline std::unique_ptr<SqliteEventStore> open_store(const std::filesystem::path& dir,
                                                    SqliteStoreOptions options = {},
                                                    int retention_days = 30) {
  return open_store(config_for(dir, retention_days), options);
}

// All seqs the query finds, following cursors page by page.
inline std::vector<int> query_all(EventStore& store, EventQuery q) {
  std::vector<int> seqs;
  for (int pages = 0; pages < 100000; ++pages) {
    auto page = store.query(q);
    if (!page) {
      ADD_FAILURE() << page.error().message;
      break;
    }
    EXPECT_LE(page->events_json.size(), q.limit == 0 ? kDefaultQueryLimit : q.limit);
    for (const auto& json : page->events_json) seqs.push_back(seq_of(json));
    if (page->next_cursor.empty()) break;
    EXPECT_FALSE(page->events_json.empty()) << "a cursor after an empty page";
    q.cursor = page->next_cursor;
  }
  return seqs;
}

}  // namespace vigil::store::testing
