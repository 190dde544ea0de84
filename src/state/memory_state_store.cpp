#include "state/memory_state_store.h"

#include <xxhash.h>

#include <algorithm>

namespace vigil::state {

MemoryStateStore::MemoryStateStore(StateLimits limits, StateCounters counters)
    : limits_(limits),
      counters_(counters),
      max_groups_per_shard_(std::max<size_t>(1, (limits.max_groups + kShards - 1) / kShards)) {}

size_t MemoryStateStore::KeyHash::operator()(std::string_view key) const {
  return XXH3_64bits(key.data(), key.size());
}

// The shard takes the hash's top bits; the shard's map buckets by its low ones.
MemoryStateStore::Shard& MemoryStateStore::shard_for(std::string_view key) {
  return shards_[(XXH3_64bits(key.data(), key.size()) >> 60) % kShards];
}

void MemoryStateStore::advance_watermark(int64_t t) {
  int64_t seen = watermark_.load(std::memory_order_relaxed);
  while (t > seen && !watermark_.compare_exchange_weak(seen, t, std::memory_order_relaxed)) {
  }
}

// The LRU list is in processing order, which follows event time closely
// enough that expired groups collect at its tail; the sweep stops at the
// first live one, so it costs O(expired) per call.
void MemoryStateStore::sweep_expired(Shard& s, int64_t watermark) {
  while (!s.lru.empty()) {
    const auto it = s.groups.find(s.lru.back());
    const WindowState& w = it->second.state;
    if (w.newest_us == INT64_MIN || w.newest_us + w.retain_us >= watermark) return;
    s.lru.pop_back();
    s.groups.erase(it);
    count_dropped_group(expired_, counters_.expired);
  }
}

void MemoryStateStore::evict_over_cap(Shard& s, const std::string& keep) {
  while (s.groups.size() > max_groups_per_shard_ && s.lru.size() > 1) {
    if (s.lru.back() == keep) return;  // never the group being updated
    s.groups.erase(s.lru.back());
    s.lru.pop_back();
    count_dropped_group(evicted_, counters_.evicted);
  }
}

void MemoryStateStore::with_window(std::string_view key, int64_t event_time_us, int64_t retain_us,
                                   const std::function<void(WindowState&)>& fn) {
  advance_watermark(event_time_us);
  Shard& s = shard_for(key);
  std::unique_lock lock(s.mu);
  auto it = s.groups.find(key);
  if (it == s.groups.end()) {
    s.lru.emplace_front(key);
    it = s.groups.emplace(s.lru.front(), Node{WindowState{}, s.lru.begin()}).first;
    groups_.fetch_add(1, std::memory_order_relaxed);
    if (counters_.groups != nullptr) counters_.groups->inc();
    evict_over_cap(s, s.lru.front());
  } else {
    s.lru.splice(s.lru.begin(), s.lru, it->second.lru);
  }
  WindowState& w = it->second.state;
  w.retain_us = retain_us;
  fn(w);
  if (w.entries.size() > limits_.max_entries_per_group) {
    const size_t extra = w.entries.size() - limits_.max_entries_per_group;
    w.entries.erase(w.entries.begin(), w.entries.begin() + static_cast<std::ptrdiff_t>(extra));
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
