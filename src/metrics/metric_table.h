// A counter or gauge family with zero, one or two bounded labels, stored as
// one flat array indexed by label value positions. The hot path is
// `table.at(i, j).inc()`: an index computation and a relaxed add, no hashing
// and no locks. Callers that always hit the same series keep the reference.
#pragma once

#include <cassert>
#include <memory>
#include <vector>

#include "metrics/counter.h"
#include "metrics/family.h"
#include "metrics/gauge.h"
#include "metrics/label_dim.h"

namespace vigil::metrics {

template <typename T>
class MetricTable final : public Family {
 public:
  // At most two labels: vigil needs no more, and fixing the arity keeps at()
  // a multiply-add. Throws std::invalid_argument on bad names.
  MetricTable(std::string name, std::string help, std::vector<LabelDim> dims);

  T& at() { return cells_[0]; }
  T& at(size_t i) {
    assert(dims_.size() == 1 && i < dims_[0].size());
    return cells_[i];
  }
  T& at(size_t i, size_t j) {
    assert(dims_.size() == 2 && i < dims_[0].size() && j < stride_);
    return cells_[i * stride_ + j];
  }
  const T& at(size_t i, size_t j) const { return cells_[i * stride_ + j]; }
  const std::vector<LabelDim>& dims() const { return dims_; }

  // Flat view (cell i * stride() + j), for batching helpers.
  size_t cell_count() const { return cell_count_; }
  size_t stride() const { return stride_; }
  T& cell(size_t flat) { return cells_[flat]; }

 private:
  void render_samples(fmt::memory_buffer& out) const override;

  std::vector<LabelDim> dims_;
  size_t stride_ = 1;
  size_t cell_count_ = 1;
  std::unique_ptr<T[]> cells_;
};

extern template class MetricTable<Counter>;
extern template class MetricTable<Gauge>;

}  // namespace vigil::metrics
