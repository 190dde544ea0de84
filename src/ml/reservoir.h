// A bounded sample of feature rows to train on. Algorithm R keeps a uniform
// sample of everything seen; with a horizon H, once more than H rows were
// seen a new row enters with probability capacity / H instead of
// capacity / seen, so the sample keeps following the last ~H rows (old rows
// leave at a steady rate) rather than freezing on the distant past.
// Not synchronized: the owner locks.
#pragma once

#include <cstdint>
#include <span>

#include "anomaly/feature_matrix.h"
#include "anomaly/random.h"

namespace vigil::ml {

class Reservoir {
 public:
  // horizon 0 = uniform over all rows seen.
  Reservoir(size_t capacity, size_t cols, uint64_t horizon, uint64_t seed);

  // True when the row entered the sample (appended or replacing one).
  bool add(std::span<const float> row);
  // The rows held, in slot order.
  anomaly::FeatureMatrix snapshot() const;
  // Back to a saved state (after a restart): the first `capacity` rows of
  // `rows` (same width) and the count of rows offered so far.
  void restore(const anomaly::FeatureMatrix& rows, uint64_t seen);

  size_t size() const { return rows_; }
  size_t capacity() const { return capacity_; }
  uint64_t seen() const { return seen_; }
  // Bytes the held rows take on the heap.
  size_t memory_bytes() const { return values_.capacity() * sizeof(float); }

 private:
  size_t capacity_;
  size_t cols_;
  uint64_t horizon_;
  anomaly::Random random_;
  std::vector<float> values_;
  size_t rows_ = 0;
  uint64_t seen_ = 0;
};

}  // namespace vigil::ml
