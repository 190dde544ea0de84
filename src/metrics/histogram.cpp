#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vigil::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
}

void Histogram::observe(double v) noexcept {
  if (std::isnan(v)) return;
  // Linear scan: with ~15 bounds it beats a binary search (predictable
  // branches, one cache line) and observations cluster in the low buckets.
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

void Histogram::add_batch(const std::vector<uint64_t>& bucket_counts, double sum) noexcept {
  const size_t n = std::min(bucket_counts.size(), bounds_.size() + 1);
  for (size_t i = 0; i < n; ++i) {
    if (bucket_counts[i] != 0) buckets_[i].fetch_add(bucket_counts[i], std::memory_order_relaxed);
  }
  sum_.fetch_add(sum, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace vigil::metrics
