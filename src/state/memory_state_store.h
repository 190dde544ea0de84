// The in-process StateStore: shards (each a mutex and a hash map of groups),
// so workers touching different groups rarely contend. Memory is bounded by
// a cap on groups (the least recently seen group is evicted, and counted)
// and a cap on entries per group; groups whose window has passed are swept
// as the watermark advances.
//
// Per call: the key is hashed once (the hash picks the shard and is the
// map's hash). Expiry: each shard keeps one recency list per retention
// (window + lateness, i.e. per correlation timespan), linked through the
// groups themselves; within one list, touch order follows event time, so
// the expired groups are at its tail and a sweep costs O(expired) — a group
// with a long retention does not hold back the expiry of short ones.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "state/state_store.h"

namespace vigil::state {

class MemoryStateStore final : public StateStore {
 public:
  explicit MemoryStateStore(StateLimits limits = {}, StateCounters counters = {});
  ~MemoryStateStore() override = default;
  MemoryStateStore(const MemoryStateStore&) = delete;
  MemoryStateStore& operator=(const MemoryStateStore&) = delete;

  void with_window(std::string_view key, int64_t event_time_us, int64_t retain_us,
                   WindowFn fn) override;
  int64_t watermark_us() const override { return watermark_.load(std::memory_order_relaxed); }
  StateStats stats() const override;

 private:
  static constexpr size_t kShards = 16;
  static constexpr uint64_t kSweepEvery = 128;  // with_window calls between sweeps of all shards

  struct Group {
    std::string key;
    uint64_t hash = 0;  // of key
    WindowState state;
    uint64_t touched = 0;  // shard-local touch counter at the last access
    size_t list = 0;       // index of its recency list in Shard::lists
    Group* newer = nullptr;
    Group* older = nullptr;
  };
  // The groups of one retention, most recently touched first.
  struct RecencyList {
    int64_t retain_us = 0;
    Group* newest = nullptr;
    Group* oldest = nullptr;
  };
  // The map's key: the text (owned by the group) and its hash, computed once.
  struct KeyRef {
    std::string_view text;
    uint64_t hash = 0;
  };
  struct KeyRefHash {
    size_t operator()(const KeyRef& k) const noexcept { return k.hash; }
  };
  struct KeyRefEq {
    bool operator()(const KeyRef& a, const KeyRef& b) const noexcept {
      return a.hash == b.hash && a.text == b.text;
    }
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<KeyRef, std::unique_ptr<Group>, KeyRefHash, KeyRefEq> groups;
    std::vector<RecencyList> lists;
    uint64_t clock = 0;
  };

  static size_t list_for(Shard& s, int64_t retain_us);
  static void unlink(Shard& s, Group& g);
  static void link_newest(Shard& s, Group& g);
  void advance_watermark(int64_t t);
  void sweep_expired(Shard& s, int64_t watermark);
  void sweep_all();
  void evict_over_cap(Shard& s, const Group& keep);
  void erase(Shard& s, Group& g);
  void count_dropped_group(std::atomic<uint64_t>& total, metrics::Counter* counter);

  StateLimits limits_;
  StateCounters counters_;
  size_t max_groups_per_shard_;
  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> watermark_{INT64_MIN};
  std::atomic<uint64_t> ops_{0};
  std::atomic<uint64_t> groups_{0}, evicted_{0}, expired_{0}, entries_dropped_{0};
};

}  // namespace vigil::state
