// Insert throughput of the event store against the obvious alternatives, on the same
// synthetic but realistic events. Not a ctest test: run by hand on an otherwise idle
// machine (Release build), e.g.
//   store_insert_bench --events 1000000 --reps 3 --dir /var/tmp/vigil-bench
//
// Hypothesis: per-row secondary indexes (TEXT or XXH3) cost a random B-tree insert per
// index per event plus the pages they dirty per commit; per-block posting lists (the
// store's design) cost about one row per distinct value per block, so inserts run close
// to the bare table. Designs measured:
//   naive    events(id, time, ..., doc) + index on time + 3 TEXT indexes, default pragmas
//   hashidx  same table + index on time + 3 partial XXH3 indexes + severity index,
//            16 KiB pages, 32 MiB cache
//   bare     table + index on time only (a floor for any indexed design)
//   store    SqliteEventStore::write (posting blocks, no per-row index)
// All: WAL, synchronous=FULL, one transaction per batch, prepared statements.
#include <sqlite3.h>
#include <sys/resource.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "store/sqlite_event_store.h"

namespace {

using vigil::Severity;
using vigil::StoredEvent;
using vigil::Timestamp;

// Zipf-like (log-uniform) choices: a few hot users/IPs/types, a long tail.
std::vector<StoredEvent> generate(size_t n, int64_t jitter_us) {
  std::mt19937_64 rng(42);
  auto skewed = [&](int count) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return std::min(count - 1, std::max(0, static_cast<int>(std::pow(count, u)) - 1));
  };
  const char* types[] = {"user_login",    "user_logout", "file_access",        "http_request",
                         "process_start", "dns_query",   "network_connection", "config_change"};
  const int64_t start = 1'709'254'800'000'000;  // 2024-03-01T01:00:00Z
  std::vector<StoredEvent> events(n);
  char buf[1024];
  for (size_t i = 0; i < n; ++i) {
    StoredEvent& e = events[i];
    // 10k events/s of event time; some sources late by up to jitter.
    int64_t t = start + static_cast<int64_t>(i) * 100;
    if (jitter_us > 0) t -= static_cast<int64_t>(rng() % static_cast<uint64_t>(jitter_us));
    e.time = Timestamp{t};
    e.received = Timestamp{start + static_cast<int64_t>(i) * 100 + 500};
    const int r = static_cast<int>(rng() % 100);
    e.severity = static_cast<Severity>(r < 70 ? 0 : r < 88 ? 1 : r < 96 ? 2 : r < 99 ? 3 : 4);
    const int ti = skewed(60);
    e.event_type = ti < 8 ? types[ti] : "custom_type_" + std::to_string(ti);
    const uint64_t user_seed = static_cast<uint64_t>(skewed(5000));
    std::snprintf(buf, sizeof buf, "u_%016llx",
                  static_cast<unsigned long long>(XXH3_64bits_withSeed("", 0, user_seed)));
    e.user = buf;
    const int ip = skewed(20000);
    std::snprintf(buf, sizeof buf, "10.%d.%d.0", (ip >> 8) & 255, ip & 255);
    e.source_ip = buf;
    std::snprintf(buf, sizeof buf,
                  R"({"@timestamp":"%s","event":{"action":"%s","outcome":"%s"},)"
                  R"("user":{"name":"%s"},"source":{"ip":"%s","port":%d},)"
                  R"("destination":{"ip":"192.168.1.%d","port":443},"host":{"name":"web-%02d"},)"
                  R"("http":{"request":{"method":"GET"},"response":{"status_code":%d}},)"
                  R"("url":{"path":"/api/v1/orders/%d"},"user_agent":{"original":)"
                  R"("Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0"}})",
                  vigil::format_rfc3339(e.time).c_str(), e.event_type.c_str(),
                  rng() % 5 ? "success" : "failure", e.user.c_str(), e.source_ip.c_str(),
                  static_cast<int>(rng() % 60000), static_cast<int>(rng() % 255),
                  static_cast<int>(rng() % 20), rng() % 10 ? 200 : 404,
                  static_cast<int>(rng() % 100000));
    e.json = buf;
  }
  return events;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "%s: %s\n", sql, err);
    std::exit(1);
  }
}

// The reference designs, written the straightforward way.
void insert_plain(const std::string& mode, const std::vector<StoredEvent>& events, size_t batch,
                  const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const bool naive = mode == "naive";
  if (!naive) exec(db, "PRAGMA page_size=16384; PRAGMA cache_size=-32768");
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
  exec(db,
       "CREATE TABLE events(id INTEGER PRIMARY KEY, time INTEGER, received INTEGER, "
       "severity INTEGER, type_h INTEGER, user_h INTEGER, ip_h INTEGER, event_type TEXT, "
       "user TEXT, source_ip TEXT, doc TEXT); CREATE INDEX i_time ON events(time)");
  if (naive) {
    exec(db,
         "CREATE INDEX i_type ON events(event_type); CREATE INDEX i_user ON events(user);"
         "CREATE INDEX i_ip ON events(source_ip)");
  } else if (mode == "hashidx") {
    exec(db,
         "CREATE INDEX i_type ON events(type_h) WHERE type_h IS NOT NULL;"
         "CREATE INDEX i_user ON events(user_h) WHERE user_h IS NOT NULL;"
         "CREATE INDEX i_ip ON events(ip_h) WHERE ip_h IS NOT NULL;"
         "CREATE INDEX i_sev ON events(severity) WHERE severity > 0");
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO events(time, received, severity, type_h, user_h, ip_h, "
                     "event_type, user, source_ip, doc) VALUES(?,?,?,?,?,?,?,?,?,?)",
                     -1, &st, nullptr);
  auto text = [&](int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  };
  auto hash = [](const std::string& s) {
    return static_cast<sqlite3_int64>(XXH3_64bits(s.data(), s.size()));
  };
  for (size_t b = 0; b < events.size(); b += batch) {
    exec(db, "BEGIN");
    for (size_t i = b; i < std::min(events.size(), b + batch); ++i) {
      const StoredEvent& e = events[i];
      sqlite3_bind_int64(st, 1, e.time.micros);
      sqlite3_bind_int64(st, 2, e.received.micros);
      sqlite3_bind_int(st, 3, static_cast<int>(e.severity));
      for (int c = 4; c <= 6; ++c) sqlite3_bind_null(st, c);
      if (mode == "hashidx") {
        sqlite3_bind_int64(st, 4, hash(e.event_type));
        sqlite3_bind_int64(st, 5, hash(e.user));
        sqlite3_bind_int64(st, 6, hash(e.source_ip));
      }
      text(7, e.event_type);
      text(8, e.user);
      text(9, e.source_ip);
      text(10, e.json);
      if (sqlite3_step(st) != SQLITE_DONE) std::exit(1);
      sqlite3_reset(st);
    }
    exec(db, "COMMIT");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

std::string g_synchronous = "full";

void insert_store(const std::vector<StoredEvent>& events, size_t batch, const std::string& dir) {
  vigil::StorageConfig config;
  config.data_dir = dir;
  config.synchronous = g_synchronous;
  auto store = vigil::store::SqliteEventStore::open(config);
  if (!store) std::exit(1);
  for (size_t b = 0; b < events.size(); b += batch) {
    const size_t n = std::min(batch, events.size() - b);
    if (auto r = (*store)->write(std::span(events).subspan(b, n)); !r) {
      std::fprintf(stderr, "write: %s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
}

// Query latency on the data the store just wrote: first pages of typical searches, and
// paging through every match of a rare value.
void time_queries(const std::vector<StoredEvent>& events, const std::string& dir) {
  vigil::StorageConfig config;
  config.data_dir = dir;
  auto store = vigil::store::SqliteEventStore::open(config);
  if (!store) std::exit(1);
  std::map<std::string, size_t> user_counts;
  for (const auto& e : events) ++user_counts[e.user];
  auto rare = std::min_element(user_counts.begin(), user_counts.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  auto hot = std::max_element(user_counts.begin(), user_counts.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; });
  const StoredEvent& mid = events[events.size() / 2];
  struct Case {
    const char* name;
    vigil::EventQuery q;
    bool all_pages;
  };
  std::vector<Case> cases(7);
  cases[0] = {"latest 100, no filter", {}, false};
  cases[1] = {"hot user, first 100", {}, false};
  cases[1].q.user = hot->first;
  cases[2] = {"rare user, all pages", {}, true};
  cases[2].q.user = rare->first;
  cases[3] = {"severity >= critical, first 100", {}, false};
  cases[3].q.min_severity = Severity::kCritical;
  cases[4] = {"ip + event type, first 100", {}, false};
  cases[4].q.source_ip = mid.source_ip;
  cases[4].q.event_type = mid.event_type;
  cases[5] = {"1 s window mid-day, first 100", {}, false};
  cases[5].q.from = Timestamp{mid.time.micros - 500'000};
  cases[5].q.to = Timestamp{mid.time.micros + 500'000};
  cases[6] = {"type, severity >= high, 1000/page, 5 pages", {}, true};
  cases[6].q.event_type = mid.event_type;
  cases[6].q.min_severity = Severity::kHigh;
  cases[6].q.limit = 1000;
  for (Case& c : cases) {
    size_t found = 0, pages = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      auto page = (*store)->query(c.q);
      if (!page) {
        std::fprintf(stderr, "query: %s\n", page.error().message.c_str());
        std::exit(1);
      }
      found += page->events_json.size();
      ++pages;
      if (!c.all_pages || page->next_cursor.empty() || pages == 5) break;
      c.q.cursor = page->next_cursor;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  query %-44s %6zu events %4zu pages %8.2f ms\n", c.name, found, pages, ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 1'000'000;
  size_t batch = 8192;
  int reps = 3;
  int64_t jitter_us = 2'000'000;
  std::string dir = "/var/tmp/vigil-store-bench";
  std::vector<std::string> modes = {"naive", "hashidx", "bare", "store"};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--events")
      n = std::stoul(v);
    else if (k == "--batch")
      batch = std::stoul(v);
    else if (k == "--reps")
      reps = std::stoi(v);
    else if (k == "--jitter-us")
      jitter_us = std::stoll(v);
    else if (k == "--dir")
      dir = v;
    else if (k == "--synchronous")
      g_synchronous = v;  // store mode only: full | normal
    else if (k == "--modes") {
      modes.clear();
      for (size_t p = 0, q; p <= v.size(); p = q + 1) {
        q = v.find(',', p);
        if (q == std::string::npos) q = v.size();
        modes.push_back(v.substr(p, q - p));
      }
    }
  }
  const auto events = generate(n, jitter_us);
  size_t bytes = 0;
  for (const auto& e : events) bytes += e.json.size();
  std::printf(
      "%zu events, %zu-byte documents on average, batches of %zu, lateness up to %lld us, "
      "store synchronous=%s\n",
      n, bytes / n, batch, static_cast<long long>(jitter_us), g_synchronous.c_str());
  for (const std::string& mode : modes) {
    double best_rate = 0, best_cpu = 1e99;
    for (int rep = 0; rep < reps; ++rep) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
      const double cpu0 = cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      if (mode == "store") {
        insert_store(events, batch, dir);
      } else {
        insert_plain(mode, events, batch, dir + "/plain.db");
      }
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      best_rate = std::max(best_rate, static_cast<double>(n) / secs);
      best_cpu = std::min(best_cpu, cpu_seconds() - cpu0);
    }
    std::printf("%-8s %9.0f events/s   %5.2f us CPU/event   (best of %d)\n", mode.c_str(),
                best_rate, best_cpu * 1e6 / static_cast<double>(n), reps);
    std::fflush(stdout);
    if (mode == "store") time_queries(events, dir);
  }
  std::filesystem::remove_all(dir);
}
