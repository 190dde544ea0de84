#include "metrics/family.h"

#include <stdexcept>

#include "metrics/exposition.h"

namespace vigil::metrics {

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

Family::Family(std::string name, std::string help, MetricType type)
    : name_(std::move(name)), help_(std::move(help)), type_(type) {
  if (!valid_metric_name(name_)) throw std::invalid_argument("invalid metric name: " + name_);
}

void Family::render(fmt::memory_buffer& out) const {
  append_header(out, name_, help_, type_name(type_));
  render_samples(out);
}

}  // namespace vigil::metrics
