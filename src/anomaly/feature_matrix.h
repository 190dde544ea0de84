// Rows of float32 features, row-major. float32 because scikit-learn casts X to
// float32 before fitting and scoring: the same numbers give the same splits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::anomaly {

struct FeatureMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> values;  // rows * cols, row i at [i * cols, (i + 1) * cols)

  std::span<const float> row(size_t i) const { return {values.data() + i * cols, cols}; }
  const float* row_data(size_t i) const { return values.data() + i * cols; }
};

// A benchmark data set: features plus the held-out `label` column
// (1 = anomaly, 0 = normal).
struct LabelledData {
  std::string name;                   // file stem, e.g. "cardio"
  std::vector<std::string> features;  // column names from the header
  FeatureMatrix matrix;
  std::vector<int8_t> labels;  // empty when the file has no `label` column
};

}  // namespace vigil::anomaly
