// Per-thread staging for a histogram (see counter_batch.h for why): observe()
// is a bucket scan and two plain adds; flush() publishes the batch.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "metrics/histogram.h"

namespace vigil::metrics {

class HistogramBatch {
 public:
  // The histogram must outlive the batch. Not thread-safe: one per worker.
  explicit HistogramBatch(Histogram& h) : h_(h), local_(h.upper_bounds().size() + 1, 0) {}
  HistogramBatch(const HistogramBatch&) = delete;
  HistogramBatch& operator=(const HistogramBatch&) = delete;
  ~HistogramBatch() { flush(); }

  // `n` observations of the value v.
  void observe(double v, uint64_t n = 1) {
    if (std::isnan(v) || n == 0) return;  // as Histogram::observe
    const auto& bounds = h_.upper_bounds();
    size_t i = 0;
    while (i < bounds.size() && v > bounds[i]) ++i;
    local_[i] += n;
    sum_ += v * static_cast<double>(n);
    any_ = true;
  }
  void flush() {
    if (!any_) return;
    h_.add_batch(local_, sum_);
    std::fill(local_.begin(), local_.end(), 0);
    sum_ = 0;
    any_ = false;
  }

 private:
  Histogram& h_;
  std::vector<uint64_t> local_;
  double sum_ = 0;
  bool any_ = false;
};

}  // namespace vigil::metrics
