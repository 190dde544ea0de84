// A distribution with fixed bucket bounds chosen at start-up. Buckets are
// counted non-cumulatively (one atomic add per observation) and made
// cumulative only when rendered, which is the cold path.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace vigil::metrics {

class Histogram {
 public:
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then the +Inf bucket
    double sum = 0;
    uint64_t count = 0;  // equals cumulative.back(), so _count matches le="+Inf"
  };

  // Bounds must be finite and strictly increasing (std::invalid_argument
  // otherwise); the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // NaN is ignored: one NaN would turn _sum into NaN for the process lifetime.
  void observe(double v) noexcept;
  // Adds pre-aggregated non-cumulative bucket counts (one per bound, then
  // +Inf) and their sum: what HistogramBatch publishes.
  void add_batch(const std::vector<uint64_t>& bucket_counts, double sum) noexcept;
  Snapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

}  // namespace vigil::metrics
