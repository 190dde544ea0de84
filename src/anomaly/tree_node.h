// One isolation tree as scikit-learn stores it: nodes in depth-first order,
// children after their parent. The trainer produces this and the sklearn
// loader reads it; FlatForest compiles both into the same scoring layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::anomaly {

struct TreeNode {
  static constexpr int32_t kNoChild = -1;
  int32_t left = kNoChild;  // leaf when left == right == kNoChild
  int32_t right = kNoChild;
  int32_t feature = -1;
  double threshold = 0.0;  // a row goes left iff (double)x[feature] <= threshold
  uint32_t n_samples = 0;  // training rows that reached the node

  bool is_leaf() const { return left == kNoChild; }
};

using TreeNodes = std::vector<TreeNode>;

}  // namespace vigil::anomaly
