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

#include "anomaly/feature_matrix.h"
#include "anomaly/random.h"
#include "anomaly/tree_node.h"
#include "core/error.h"

namespace vigil::anomaly {

// The rows and features one tree grows on, read in place: a tree reads only
// the columns its splits draw (copying all ψ·d values first cost most of the
// fit time on wide data).
struct TreeSample {
  const FeatureMatrix* x = nullptr;
  std::vector<uint32_t> rows;      // row ids in x
  std::vector<uint32_t> features;  // feature ids the tree may split on
};

// Non-finite values among those the tree reads are invalid input.
Result<TreeNodes> grow_isolation_tree(const TreeSample& sample, uint32_t max_depth, Random& rng);

}  // namespace vigil::anomaly
