// A monotonically increasing count: one relaxed atomic. Callers keep a
// reference obtained at start-up, so incrementing never looks up a label.
#pragma once

#include <atomic>
#include <cstdint>

namespace vigil::metrics {

class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Relaxed: a scrape needs an eventually exact total, not ordering with
  // other memory, and relaxed adds are the cheapest atomic RMW there is.
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace vigil::metrics
