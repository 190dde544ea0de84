#include "metrics/histogram_family.h"

#include "metrics/exposition.h"

namespace vigil::metrics {

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<double> upper_bounds)
    : Family(std::move(name), std::move(help), MetricType::kHistogram),
      histogram_(std::move(upper_bounds)),
      bucket_name_(this->name() + "_bucket"),
      sum_name_(this->name() + "_sum"),
      count_name_(this->name() + "_count") {
  for (double b : histogram_.upper_bounds()) {
    fmt::memory_buffer buf;
    append_float(buf, b);
    le_.emplace_back(buf.data(), buf.size());
  }
  le_.emplace_back("+Inf");
}

void HistogramFamily::render_samples(fmt::memory_buffer& out) const {
  const Histogram::Snapshot s = histogram_.snapshot();
  for (size_t i = 0; i < le_.size(); ++i) {
    const Label labels[] = {{"le", le_[i]}};
    append_sample(out, bucket_name_, labels, s.cumulative[i]);
  }
  append_sample(out, sum_name_, {}, s.sum);
  append_sample(out, count_name_, {}, s.count);
}

}  // namespace vigil::metrics
