#include "state/memory_state_store.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>
#include <thread>
#include <vector>

namespace vigil::state {
namespace {

constexpr int64_t kMinute = 60'000'000;

// Appends one entry at `t` to the group `key` and returns the group's size.
size_t add(StateStore& store, const std::string& key, int64_t t, int64_t retain = 5 * kMinute) {
  size_t size = 0;
  store.with_window(key, t, retain, [&](WindowState& w) {
    w.newest_us = std::max(w.newest_us, t);
    WindowEntry e;
    e.time_us = t;
    w.entries.push_back(std::move(e));
    size = w.entries.size();
  });
  return size;
}

size_t size_of(StateStore& store, const std::string& key, int64_t t) {
  size_t size = 0;
  store.with_window(key, t, 5 * kMinute, [&](WindowState& w) { size = w.entries.size(); });
  return size;
}

// The store's shard of a key, computed as it does (top bits of XXH3): lets
// a test put several groups in one shard, where the caps apply.
size_t shard_of(const std::string& key) {
  return (XXH3_64bits(key.data(), key.size()) >> 60) % 16;
}

std::vector<std::string> keys_in_one_shard(size_t n) {
  std::vector<std::string> out;
  for (int i = 0; out.size() < n; ++i) {
    std::string k = "corr\x1fuser" + std::to_string(i);
    if (shard_of(k) == 3) out.push_back(k);
  }
  return out;
}

TEST(MemoryStateStore, KeepsOneStatePerKey) {
  MemoryStateStore store;
  EXPECT_EQ(add(store, "a", 1), 1u);
  EXPECT_EQ(add(store, "a", 2), 2u);
  EXPECT_EQ(add(store, "b", 3), 1u);
  // A key that is a prefix of another is another group.
  EXPECT_EQ(add(store, "ab", 4), 1u);
  EXPECT_EQ(size_of(store, "a", 5), 2u);
  EXPECT_EQ(store.stats().groups, 3u);
  EXPECT_EQ(store.watermark_us(), 5);
}

TEST(MemoryStateStore, CapsEntriesPerGroupOldestFirst) {
  metrics::Counter dropped;
  MemoryStateStore store(StateLimits{.max_groups = 100, .max_entries_per_group = 3},
                         StateCounters{.entries_dropped = &dropped});
  for (int64_t t = 1; t <= 5; ++t) add(store, "g", t);
  std::vector<int64_t> times;
  store.with_window("g", 5, 5 * kMinute, [&](WindowState& w) {
    for (const auto& e : w.entries) times.push_back(e.time_us);
  });
  EXPECT_EQ(times, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(store.stats().entries_dropped, 2u);
  EXPECT_EQ(dropped.value(), 2u);
}

// Derived state hears of every entry the cap drops, before it goes, so it
// can take the entry out of what it derived (the correlation aggregates
// keep no copy of their entries).
TEST(MemoryStateStore, TellsDerivedStateWhichEntriesTheCapDrops) {
  struct DroppedTimes final : WindowDerived {
    explicit DroppedTimes(std::vector<int64_t>& seen) : seen(seen) {}
    void dropping_oldest(const WindowEntry& oldest) override { seen.push_back(oldest.time_us); }
    std::vector<int64_t>& seen;
  };
  std::vector<int64_t> dropped;
  MemoryStateStore store(StateLimits{.max_groups = 100, .max_entries_per_group = 2});
  store.with_window("g", 1, 5 * kMinute,
                    [&](WindowState& w) { w.derived = std::make_unique<DroppedTimes>(dropped); });
  for (int64_t t = 1; t <= 5; ++t) add(store, "g", t);
  EXPECT_EQ(dropped, (std::vector<int64_t>{1, 2, 3}));
}

// With one group allowed per shard... two: the least recently seen of a
// shard goes first, never the group being updated.
TEST(MemoryStateStore, EvictsTheLeastRecentlySeenGroupOfAFullShard) {
  metrics::Counter evicted;
  metrics::Gauge groups;
  MemoryStateStore store(StateLimits{.max_groups = 32, .max_entries_per_group = 100},
                         StateCounters{.evicted = &evicted, .groups = &groups});
  const auto k = keys_in_one_shard(3);
  add(store, k[0], 1);
  add(store, k[1], 2);
  add(store, k[0], 3);  // k[1] is now the least recently seen
  add(store, k[2], 4);
  EXPECT_EQ(store.stats().evicted, 1u);
  EXPECT_EQ(evicted.value(), 1u);
  EXPECT_EQ(groups.value(), 2);
  EXPECT_EQ(size_of(store, k[0], 5), 2u);  // kept, with both its entries
  EXPECT_EQ(size_of(store, k[2], 5), 1u);  // the newcomer is never the victim
}

// Eviction looks across retentions: the least recently seen group of the
// shard is evicted whichever correlation (timespan) it belongs to.
TEST(MemoryStateStore, EvictsAcrossRetentions) {
  MemoryStateStore store(StateLimits{.max_groups = 32, .max_entries_per_group = 100});
  const auto k = keys_in_one_shard(3);
  add(store, k[0], 1, 60 * kMinute);
  add(store, k[1], 2, 5 * kMinute);
  add(store, k[2], 3, 10 * kMinute);
  EXPECT_EQ(store.stats().evicted, 1u);
  size_t first = 0;
  store.with_window(k[0], 4, 60 * kMinute, [&](WindowState& w) { first = w.entries.size(); });
  EXPECT_EQ(first, 0u);  // k[0] was the oldest: it came back empty
}

// Groups whose window passed are swept as the watermark advances, even when
// a group of a longer window was touched before them (a single recency list
// stopped at that live group and kept every expired one behind it).
TEST(MemoryStateStore, ExpiresShortWindowsBehindALongOne) {
  metrics::Counter expired;
  MemoryStateStore store(StateLimits{}, StateCounters{.expired = &expired});
  for (int i = 0; i < 32; ++i) add(store, "long" + std::to_string(i), 0, 120 * kMinute);
  for (int i = 0; i < 64; ++i) add(store, "short" + std::to_string(i), 1, 5 * kMinute);
  // 10 minutes later, enough calls for a sweep of every shard.
  for (int i = 0; i < 300; ++i) add(store, "now" + std::to_string(i % 4), 10 * kMinute + i);
  EXPECT_EQ(store.stats().expired, 64u);
  EXPECT_EQ(expired.value(), 64u);
  EXPECT_EQ(store.stats().groups, 32u + 4u);
  EXPECT_EQ(size_of(store, "long7", 10 * kMinute), 1u);  // its window has not passed
  EXPECT_EQ(size_of(store, "short7", 10 * kMinute), 0u);
}

TEST(MemoryStateStore, AGroupFollowsItsNewRetention) {
  MemoryStateStore store;
  add(store, "g", 0, 120 * kMinute);
  add(store, "g", 1, 5 * kMinute);  // a reload shortened the correlation's timespan
  for (int i = 0; i < 300; ++i) add(store, "other", 10 * kMinute + i);
  EXPECT_EQ(store.stats().expired, 1u);
  EXPECT_EQ(size_of(store, "g", 10 * kMinute), 0u);
}

TEST(MemoryStateStore, RunsConstAndMutableCallables) {
  MemoryStateStore store;
  int calls = 0;
  const auto counting = [&calls](WindowState&) { ++calls; };
  store.with_window("g", 1, kMinute, counting);
  auto mutable_fn = [n = 0, &calls](WindowState& w) mutable {
    ++n;
    calls += n;
    w.newest_us = 1;
  };
  store.with_window("g", 1, kMinute, mutable_fn);
  EXPECT_EQ(calls, 2);
}

// Workers updating overlapping groups concurrently: every update lands in
// its group exactly once (the shard lock serializes a group's updates).
TEST(MemoryStateStore, ConcurrentUpdatesOfSharedGroupsAreAllKept) {
  MemoryStateStore store(StateLimits{.max_groups = 1000, .max_entries_per_group = 100000});
  constexpr int kThreads = 4, kPerThread = 2000, kGroups = 37;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kPerThread; ++i) {
        add(store, "g" + std::to_string((i * 7 + t) % kGroups), i, 600 * kMinute);
      }
    });
  }
  for (auto& th : threads) th.join();
  // Counted independently: how many (thread, i) pairs map to each group.
  size_t total = 0;
  for (int g = 0; g < kGroups; ++g) {
    size_t expected = 0;
    for (int t = 0; t < kThreads; ++t) {
      for (int i = 0; i < kPerThread; ++i) expected += (i * 7 + t) % kGroups == g ? 1 : 0;
    }
    const size_t got = size_of(store, "g" + std::to_string(g), kPerThread);
    EXPECT_EQ(got, expected) << g;
    total += got;
  }
  EXPECT_EQ(total, static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(store.stats().groups, static_cast<uint64_t>(kGroups));
}

}  // namespace
}  // namespace vigil::state
