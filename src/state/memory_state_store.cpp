#include "state/memory_state_store.h"

#include <xxhash.h>

#include <algorithm>

namespace vigil::state {

MemoryStateStore::MemoryStateStore(StateLimits limits, StateCounters counters)
    : limits_(limits),
      counters_(counters),
      max_groups_per_shard_(std::max<size_t>(1, (limits.max_groups + kShards - 1) / kShards)) {}

void MemoryStateStore::advance_watermark(int64_t t) {
  int64_t seen = watermark_.load(std::memory_order_relaxed);
  while (t > seen && !watermark_.compare_exchange_weak(seen, t, std::memory_order_relaxed)) {
  }
}

// Few distinct retentions exist (one per correlation timespan), so a scan.
size_t MemoryStateStore::list_for(Shard& s, int64_t retain_us) {
  for (size_t i = 0; i < s.lists.size(); ++i) {
    if (s.lists[i].retain_us == retain_us) return i;
  }
  s.lists.push_back(RecencyList{retain_us, nullptr, nullptr});
  return s.lists.size() - 1;
}

void MemoryStateStore::unlink(Shard& s, Group& g) {
  RecencyList& l = s.lists[g.list];
  (g.newer != nullptr ? g.newer->older : l.newest) = g.older;
  (g.older != nullptr ? g.older->newer : l.oldest) = g.newer;
  g.newer = g.older = nullptr;
}

void MemoryStateStore::link_newest(Shard& s, Group& g) {
  RecencyList& l = s.lists[g.list];
  g.newer = nullptr;
  g.older = l.newest;
  (l.newest != nullptr ? l.newest->newer : l.oldest) = &g;
  l.newest = &g;
  g.touched = ++s.clock;
}

void MemoryStateStore::erase(Shard& s, Group& g) {
  unlink(s, g);
  s.groups.erase(KeyRef{g.key, g.hash});  // destroys g
}

// Each list's tail is its least recently touched group; the sweep stops at
// the first live one.
void MemoryStateStore::sweep_expired(Shard& s, int64_t watermark) {
  for (auto& l : s.lists) {
    while (l.oldest != nullptr) {
      const WindowState& w = l.oldest->state;
      if (w.newest_us == INT64_MIN || w.newest_us + w.retain_us >= watermark) break;
      erase(s, *l.oldest);
      count_dropped_group(expired_, counters_.expired);
    }
  }
}

// The least recently seen group of the shard is the oldest tail of its lists.
void MemoryStateStore::evict_over_cap(Shard& s, const Group& keep) {
  while (s.groups.size() > max_groups_per_shard_) {
    Group* victim = nullptr;
    for (auto& l : s.lists) {
      Group* g = l.oldest;
      if (g == &keep) g = g->newer;  // never the group being updated
      if (g != nullptr && (victim == nullptr || g->touched < victim->touched)) victim = g;
    }
    if (victim == nullptr) return;
    erase(s, *victim);
    count_dropped_group(evicted_, counters_.evicted);
  }
}

void MemoryStateStore::with_window(std::string_view key, int64_t event_time_us, int64_t retain_us,
                                   WindowFn fn) {
  advance_watermark(event_time_us);
  const uint64_t hash = XXH3_64bits(key.data(), key.size());
  // The shard takes the hash's top bits; the map buckets by its low ones.
  Shard& s = shards_[(hash >> 60) % kShards];
  std::unique_lock lock(s.mu);
  auto it = s.groups.find(KeyRef{key, hash});
  Group* g = nullptr;
  if (it == s.groups.end()) {
    auto fresh = std::make_unique<Group>();
    fresh->key.assign(key);
    fresh->hash = hash;
    fresh->list = list_for(s, retain_us);
    g = fresh.get();
    s.groups.emplace(KeyRef{g->key, hash}, std::move(fresh));
    link_newest(s, *g);
    groups_.fetch_add(1, std::memory_order_relaxed);
    if (counters_.groups != nullptr) counters_.groups->inc();
    evict_over_cap(s, *g);
  } else {
    g = it->second.get();
    unlink(s, *g);
    // A reloaded correlation may change the group's retention.
    if (s.lists[g->list].retain_us != retain_us) g->list = list_for(s, retain_us);
    link_newest(s, *g);
  }
  WindowState& w = g->state;
  w.retain_us = retain_us;
  fn(w);
  if (w.entries.size() > limits_.max_entries_per_group) {
    const size_t extra = w.entries.size() - limits_.max_entries_per_group;
    w.drop_oldest(extra);
    entries_dropped_.fetch_add(extra, std::memory_order_relaxed);
    if (counters_.entries_dropped != nullptr) counters_.entries_dropped->inc(extra);
  }
  lock.unlock();
  // Every so often, sweep every shard: groups in shards no event touches any
  // more must expire too.
  if (ops_.fetch_add(1, std::memory_order_relaxed) % kSweepEvery == kSweepEvery - 1) sweep_all();
}

void MemoryStateStore::sweep_all() {
  const int64_t watermark = watermark_us();
  for (auto& shard : shards_) {
    std::unique_lock lock(shard.mu, std::try_to_lock);
    if (lock.owns_lock()) sweep_expired(shard, watermark);
  }
}

void MemoryStateStore::count_dropped_group(std::atomic<uint64_t>& total,
                                           metrics::Counter* counter) {
  groups_.fetch_sub(1, std::memory_order_relaxed);
  total.fetch_add(1, std::memory_order_relaxed);
  if (counters_.groups != nullptr) counters_.groups->dec();
  if (counter != nullptr) counter->inc();
}

StateStats MemoryStateStore::stats() const {
  return StateStats{groups_.load(), evicted_.load(), expired_.load(), entries_dropped_.load()};
}

}  // namespace vigil::state
