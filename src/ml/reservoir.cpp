#include "ml/reservoir.h"

#include <algorithm>

namespace vigil::ml {

Reservoir::Reservoir(size_t capacity, size_t cols, uint64_t horizon, uint64_t seed)
    : capacity_(capacity), cols_(cols), horizon_(horizon), random_(seed) {}

bool Reservoir::add(std::span<const float> row) {
  ++seen_;
  if (rows_ < capacity_) {
    // Grown as rows come, not reserved: most event types' reservoirs never
    // fill (a default replay made 32 of them, 8 MB reserved up front, for
    // types of a handful of events), and a full one gives back the growth's
    // slack once.
    values_.insert(values_.end(), row.begin(), row.end());
    if (++rows_ == capacity_) values_.shrink_to_fit();
    return true;
  }
  const uint64_t window = horizon_ == 0 ? seen_ : std::min(seen_, horizon_);
  const uint64_t slot = random_.below(window);
  if (slot >= capacity_) return false;
  std::copy(row.begin(), row.end(), values_.begin() + static_cast<std::ptrdiff_t>(slot * cols_));
  return true;
}

void Reservoir::restore(const anomaly::FeatureMatrix& rows, uint64_t seen) {
  rows_ = std::min(rows.rows, capacity_);
  values_.assign(rows.values.begin(),
                 rows.values.begin() + static_cast<std::ptrdiff_t>(rows_ * cols_));
  seen_ = std::max<uint64_t>(seen, rows_);
}

anomaly::FeatureMatrix Reservoir::snapshot() const {
  return {rows_, cols_, values_};
}

}  // namespace vigil::ml
