// Grows one isolation tree the way scikit-learn 1.2.1's IsolationForest does
// (ExtraTreeRegressor, max_features=1, random splitter): at each node a
// feature drawn uniformly among those not constant in the node, a threshold
// uniform in [min, max) of it, rows with x <= threshold to the left; a leaf
// when fewer than 2 rows remain, at the depth limit, or when every feature is
// constant. The random numbers differ from numpy's; the distribution does not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "anomaly/random.h"
#include "anomaly/tree_node.h"

namespace vigil::anomaly {

// The rows one tree grows on, column-major for the per-node min/max scans.
struct TreeSample {
  size_t rows = 0;
  std::vector<uint32_t> features;  // original feature ids, one column each
  std::vector<float> columns;      // columns[j * rows + i]: features[j] of row i
};

TreeNodes grow_isolation_tree(const TreeSample& sample, uint32_t max_depth, Random& rng);

}  // namespace vigil::anomaly
