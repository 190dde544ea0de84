// Why a row scored as it did. An isolation tree flags a row by reaching a leaf
// early; each split on its path shortens the path by c(n_parent) − 1 −
// c(n_child) against the expected remaining depth. Adding those per feature
// (mean over trees) splits the whole shortfall c(ψ) − E[h(x)] exactly among
// the features: positive = pushed the row towards "anomalous".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vigil::anomaly {

struct FeatureContribution {
  uint32_t feature = 0;
  double shortfall = 0.0;  // path-length levels this feature's splits saved
};

struct Explanation {
  double score = 0.0;                 // score_samples of the row
  double expected_path_length = 0.0;  // E[h(x)] over the trees
  double average_path_length = 0.0;   // c(ψ): where a typical row ends
  // Every feature, the largest shortfall first (ties: lower feature id first).
  std::vector<FeatureContribution> contributions;

  double total_shortfall() const { return average_path_length - expected_path_length; }
};

// One line a person reads, naming the top features with their values and
// their share of the shortfall, e.g.
//   "isolated in 3.1 splits (typical 10.2): bytes_out=9e+06 (71%), hour_sin=-0.9 (18%)".
// `names` may be empty (then f0, f1, ...).
std::string describe(const Explanation& explanation, std::span<const float> row,
                     std::span<const std::string> names, size_t top = 3);

}  // namespace vigil::anomaly
