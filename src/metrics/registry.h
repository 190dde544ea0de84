// Owns every metric family of a process and renders them all, in
// registration order, as one Prometheus text exposition. Registration
// happens at start-up; rendering (a scrape) may run concurrently with it
// and with any number of threads updating the metrics.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/counter.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"
#include "metrics/label_dim.h"
#include "metrics/label_interner.h"
#include "metrics/metric_table.h"

namespace vigil::metrics {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Each returns a reference that stays valid for the registry's lifetime.
  // A malformed or duplicate name throws std::invalid_argument.
  Counter& counter(std::string name, std::string help);
  Gauge& gauge(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help, std::vector<double> upper_bounds);
  MetricTable<Counter>& counter_table(std::string name, std::string help,
                                      std::vector<LabelDim> dims);
  MetricTable<Gauge>& gauge_table(std::string name, std::string help, std::vector<LabelDim> dims);
  // An interner owned by the registry, so it outlives the tables using it.
  LabelInterner& interner(size_t capacity, std::string overflow_label = "other");

  void render(fmt::memory_buffer& out) const;
  std::string render() const;

 private:
  template <typename F>
  F& add(std::unique_ptr<F> family);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<std::unique_ptr<LabelInterner>> interners_;
};

}  // namespace vigil::metrics
