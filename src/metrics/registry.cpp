#include "metrics/registry.h"

#include <stdexcept>

#include "metrics/histogram_family.h"

namespace vigil::metrics {

template <typename F>
F& Registry::add(std::unique_ptr<F> family) {
  std::lock_guard lock(mu_);
  for (const auto& f : families_) {
    if (f->name() == family->name()) {
      throw std::invalid_argument("metric registered twice: " + family->name());
    }
  }
  F& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Counter& Registry::counter(std::string name, std::string help) {
  return counter_table(std::move(name), std::move(help), {}).at();
}

Gauge& Registry::gauge(std::string name, std::string help) {
  return gauge_table(std::move(name), std::move(help), {}).at();
}

Histogram& Registry::histogram(std::string name, std::string help,
                               std::vector<double> upper_bounds) {
  return add(std::make_unique<HistogramFamily>(std::move(name), std::move(help),
                                               std::move(upper_bounds)))
      .histogram();
}

MetricTable<Counter>& Registry::counter_table(std::string name, std::string help,
                                              std::vector<LabelDim> dims) {
  return add(
      std::make_unique<MetricTable<Counter>>(std::move(name), std::move(help), std::move(dims)));
}

MetricTable<Gauge>& Registry::gauge_table(std::string name, std::string help,
                                          std::vector<LabelDim> dims) {
  return add(
      std::make_unique<MetricTable<Gauge>>(std::move(name), std::move(help), std::move(dims)));
}

LabelInterner& Registry::interner(size_t capacity, std::string overflow_label) {
  std::lock_guard lock(mu_);
  interners_.push_back(std::make_unique<LabelInterner>(capacity, std::move(overflow_label)));
  return *interners_.back();
}

void Registry::render(fmt::memory_buffer& out) const {
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->render(out);
}

std::string Registry::render() const {
  fmt::memory_buffer out;
  render(out);
  return fmt::to_string(out);
}

}  // namespace vigil::metrics
