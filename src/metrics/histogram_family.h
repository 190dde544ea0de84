// An unlabelled histogram family: _bucket{le=...} (cumulative), _sum, _count.
#pragma once

#include <string>
#include <vector>

#include "metrics/family.h"
#include "metrics/histogram.h"

namespace vigil::metrics {

class HistogramFamily final : public Family {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<double> upper_bounds);

  Histogram& histogram() { return histogram_; }
  const Histogram& histogram() const { return histogram_; }

 private:
  void render_samples(fmt::memory_buffer& out) const override;

  Histogram histogram_;
  std::vector<std::string> le_;  // bound texts, formatted once; last is "+Inf"
  std::string bucket_name_, sum_name_, count_name_;
};

}  // namespace vigil::metrics
