// The in-process StateStore: shards (each a mutex, a hash map and a
// least-recently-seen list), so workers touching different groups rarely
// contend. Memory is bounded by a cap on groups (the least recently seen
// group is evicted, and counted) and a cap on entries per group; groups whose
// window has passed are swept as the watermark advances.
#pragma once

#include <array>
#include <atomic>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "state/state_store.h"

namespace vigil::state {

class MemoryStateStore final : public StateStore {
 public:
  explicit MemoryStateStore(StateLimits limits = {}, StateCounters counters = {});

  void with_window(std::string_view key, int64_t event_time_us, int64_t retain_us,
                   const std::function<void(WindowState&)>& fn) override;
  int64_t watermark_us() const override { return watermark_.load(std::memory_order_relaxed); }
  StateStats stats() const override;

 private:
  static constexpr size_t kShards = 16;
  struct Node {
    WindowState state;
    std::list<std::string>::iterator lru;  // position in Shard::lru (front = most recent)
  };
  // Group keys are long ("rule|value|value"): looked up as string_views, so
  // an event's lookup allocates nothing.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Node, KeyHash, std::equal_to<>> groups;
    std::list<std::string> lru;
  };
  static constexpr uint64_t kSweepEvery = 128;  // with_window calls between sweeps

  Shard& shard_for(std::string_view key);
  void advance_watermark(int64_t t);
  void sweep_expired(Shard& s, int64_t watermark);
  void sweep_all();
  void evict_over_cap(Shard& s, const std::string& keep);
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
