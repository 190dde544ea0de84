// Maps label values (event types, anomaly types, rule names) that come from
// outside onto a bounded set of small indices, so a metric can keep one
// fixed array of counters per label and a hostile or noisy source cannot
// grow the series count without bound. The first `capacity` distinct values
// get their own index; every later one shares overflow_index(), rendered as
// "other".
//
// Lookups of known values are lock-free (a fixed open-addressing table that
// is only ever appended to); only a first sighting takes the mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace vigil::metrics {

class LabelInterner {
 public:
  // Values longer than this go to "other": a label value is for grouping,
  // and a long one is more likely an attacker's payload than a type name.
  static constexpr size_t kMaxValueBytes = 128;

  explicit LabelInterner(size_t capacity, std::string overflow_label = "other");
  LabelInterner(const LabelInterner&) = delete;
  LabelInterner& operator=(const LabelInterner&) = delete;

  // Thread-safe. Returns an index in [0, capacity()]; capacity() is the
  // overflow index. Empty values, values equal to the overflow label and
  // over-long values map to the overflow index.
  uint32_t intern(std::string_view value);

  size_t capacity() const { return capacity_; }
  uint32_t overflow_index() const { return static_cast<uint32_t>(capacity_); }
  // Number of values with their own index; indices [0, size()) are valid.
  size_t size() const { return size_.load(std::memory_order_acquire); }
  // The label text for an index < size(), or the overflow label.
  std::string_view value(uint32_t index) const;
  const std::string& overflow_label() const { return overflow_; }
  // True once anything was collapsed into the overflow index.
  bool overflow_used() const { return overflow_used_.load(std::memory_order_relaxed); }

 private:
  // 0 = empty slot; otherwise (hash high bits << 32) | (index + 1).
  using Slot = std::atomic<uint64_t>;

  // Returns the index or -1 when absent. Lock-free.
  int64_t find(std::string_view value, uint64_t hash) const;
  uint32_t overflow();

  const size_t capacity_;
  const std::string overflow_;
  const size_t mask_;
  std::unique_ptr<std::string[]> values_;  // written once, before the slot is published
  std::unique_ptr<Slot[]> slots_;
  std::atomic<size_t> size_{0};
  std::atomic<bool> overflow_used_{false};
  std::mutex insert_mu_;
};

}  // namespace vigil::metrics
