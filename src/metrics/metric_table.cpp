#include "metrics/metric_table.h"

#include <stdexcept>

#include "metrics/exposition.h"

namespace vigil::metrics {
namespace {

template <typename T>
constexpr MetricType type_of();
template <>
constexpr MetricType type_of<Counter>() {
  return MetricType::kCounter;
}
template <>
constexpr MetricType type_of<Gauge>() {
  return MetricType::kGauge;
}

}  // namespace

template <typename T>
MetricTable<T>::MetricTable(std::string name, std::string help, std::vector<LabelDim> dims)
    : Family(std::move(name), std::move(help), type_of<T>()), dims_(std::move(dims)) {
  if (dims_.size() > 2) throw std::invalid_argument("at most two labels: " + this->name());
  if (dims_.size() == 2 && dims_[0].name() == dims_[1].name()) {
    throw std::invalid_argument("duplicate label name in " + this->name());
  }
  for (const auto& d : dims_) cell_count_ *= d.size();
  if (dims_.size() == 2) stride_ = dims_[1].size();
  cells_ = std::make_unique<T[]>(cell_count_ == 0 ? 1 : cell_count_);
}

template <typename T>
void MetricTable<T>::render_samples(fmt::memory_buffer& out) const {
  const auto emit = [&](std::span<const Label> labels, const T& cell, bool hide_zero) {
    const auto v = cell.value();
    if (hide_zero && v == 0) return;
    append_sample(out, name(), labels, v);
  };
  if (dims_.empty()) {
    emit({}, cells_[0], false);
    return;
  }
  const LabelDim& d0 = dims_[0];
  for (size_t i = 0; i < d0.size(); ++i) {
    if (!d0.visible(i)) continue;
    if (dims_.size() == 1) {
      const Label labels[] = {{d0.name(), d0.value(i)}};
      emit(labels, cells_[i], d0.hides_zero());
      continue;
    }
    const LabelDim& d1 = dims_[1];
    for (size_t j = 0; j < d1.size(); ++j) {
      if (!d1.visible(j)) continue;
      const Label labels[] = {{d0.name(), d0.value(i)}, {d1.name(), d1.value(j)}};
      emit(labels, cells_[i * stride_ + j], d0.hides_zero() || d1.hides_zero());
    }
  }
}

template class MetricTable<Counter>;
template class MetricTable<Gauge>;

}  // namespace vigil::metrics
