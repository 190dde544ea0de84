// Randomized: many batches with late events over several days, a restart in between,
// small posting blocks; every query must equal a brute-force filter over the same data.
// Plus queries running while the writer writes.
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "store_test_util.h"

namespace vigil::store {
namespace {

using testing::at;
using testing::make_event;
using testing::query_all;
using testing::TempDir;

struct ModelEvent {
  int seq;
  int64_t time;
  std::string type, user, ip;
  Severity severity;
};

std::vector<int> brute_force(const std::vector<ModelEvent>& all, const EventQuery& q) {
  std::vector<const ModelEvent*> hits;
  for (const ModelEvent& e : all) {
    if (q.from && e.time < q.from->micros) continue;
    if (q.to && e.time >= q.to->micros) continue;
    if (!q.event_type.empty() && e.type != q.event_type) continue;
    if (!q.user.empty() && e.user != q.user) continue;
    if (!q.source_ip.empty() && e.ip != q.source_ip) continue;
    if (q.min_severity && e.severity < *q.min_severity) continue;
    hits.push_back(&e);
  }
  // Newest first; equal times in reverse arrival order.
  std::sort(hits.begin(), hits.end(), [](const ModelEvent* a, const ModelEvent* b) {
    return a->time != b->time ? a->time > b->time : a->seq > b->seq;
  });
  std::vector<int> seqs;
  for (const ModelEvent* e : hits) seqs.push_back(e->seq);
  return seqs;
}

template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

TEST(StoreModel, RandomQueriesMatchBruteForce) {
  std::mt19937 rng(20240610);
  const std::vector<std::string> types = {"login", "logout", "dns_query", ""};
  const std::vector<std::string> users = {"alice", "bob", "carol", "dave", ""};
  const std::vector<std::string> ips = {"10.0.0.0", "10.0.1.0", "192.168.7.0", ""};
  TempDir dir;
  SqliteStoreOptions options;
  options.block_events = 37;
  auto store = testing::open_store(dir.path(), options);

  std::vector<ModelEvent> model;
  const int64_t base = at(2024, 6, 10, 22).micros;
  int seq = 0;
  for (int round = 0; round < 40; ++round) {
    std::vector<StoredEvent> batch;
    const int n = std::uniform_int_distribution<int>(1, 120)(rng);
    for (int i = 0; i < n; ++i, ++seq) {
      // Whole seconds, a minute apart: many equal times; one in five is up to 2 h late.
      int64_t t = base + seq * 60'000'000LL;
      if (rng() % 5 == 0) t -= std::uniform_int_distribution<int64_t>(0, 7200)(rng) * 1'000'000;
      t -= t % 1'000'000;
      ModelEvent m{seq,
                   t,
                   pick(rng, types),
                   pick(rng, users),
                   pick(rng, ips),
                   static_cast<Severity>(rng() % kSeverityCount)};
      batch.push_back(make_event(seq, Timestamp{t}, m.type, m.user, m.ip, m.severity));
      model.push_back(std::move(m));
    }
    ASSERT_TRUE(store->write(batch));
    if (round == 20) {  // a restart: blocks in progress are finished, ids continue
      store.reset();
      store = testing::open_store(dir.path(), options);
    }
  }

  for (int i = 0; i < 60; ++i) {
    EventQuery q;
    if (rng() % 3 == 0) q.event_type = pick(rng, types);
    if (rng() % 3 == 0) q.user = pick(rng, users);
    if (rng() % 3 == 0) q.source_ip = pick(rng, ips);
    if (rng() % 3 == 0) q.min_severity = static_cast<Severity>(rng() % kSeverityCount);
    const int64_t span = static_cast<int64_t>(seq) * 60'000'000LL;
    if (rng() % 2 == 0)
      q.from = Timestamp{base + static_cast<int64_t>(rng() % span) - 3'600'000'000LL};
    if (rng() % 2 == 0) q.to = Timestamp{base + static_cast<int64_t>(rng() % span)};
    q.limit = std::uniform_int_distribution<size_t>(1, 100)(rng);
    EXPECT_EQ(query_all(*store, q), brute_force(model, q))
        << "query " << i << ": type=" << q.event_type << " user=" << q.user << " ip=" << q.source_ip
        << " limit=" << q.limit;
  }
}

TEST(StoreConcurrency, QueriesWhileWriting) {
  TempDir dir;
  SqliteStoreOptions options;
  options.block_events = 500;
  auto store = testing::open_store(dir.path(), options);
  constexpr int kBatches = 40;
  constexpr int kPerBatch = 150;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};

  auto reader = [&](std::string user) {
    while (!done.load()) {
      EventQuery q;
      q.user = user;
      q.limit = 97;
      const auto seqs = query_all(*store, q);
      // Each page is a consistent snapshot: newest first means descending seqs here.
      if (!std::is_sorted(seqs.rbegin(), seqs.rend())) ++failures;
    }
  };
  std::thread r1(reader, "alice");
  std::thread r2(reader, "");
  int seq = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<StoredEvent> batch;
    for (int i = 0; i < kPerBatch; ++i, ++seq) {
      batch.push_back(make_event(seq, Timestamp{at(2024, 1, 1, 23, 30).micros + seq * 1'000'000LL},
                                 "t", seq % 2 ? "alice" : "bob"));
    }
    const auto written = store->write(batch);
    EXPECT_TRUE(written) << "batch " << b << ": " << written.error().message;
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(query_all(*store, {}).size(), static_cast<size_t>(kBatches * kPerBatch));
}

}  // namespace
}  // namespace vigil::store
