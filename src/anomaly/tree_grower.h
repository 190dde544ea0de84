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
#include "anomaly/path_length.h"
#include "anomaly/random.h"
#include "anomaly/tree_node.h"
#include "core/error.h"

namespace vigil::anomaly {

// The rows and features one tree grows on. A node's split scans one column
// over the node's rows: with `columns` (x transposed, feature f of row r at
// [f * x->rows + r]) the column is contiguous, which pays when every tree
// reads every row (ψ = n, as the ML detector trains: strided reads of x at
// every node were most of its fit time); else the grower reads x in place,
// with stride x->cols (a tree reads only the columns its splits draw, and a
// copy of x per fit cost more than it saved for ψ = 256 on wide data).
struct TreeSample {
  const FeatureMatrix* x = nullptr;
  std::vector<uint32_t> rows;      // row ids in x
  std::vector<uint32_t> features;  // feature ids the tree may split on
  const float* columns = nullptr;  // optional: x column-major
  // Optional, x->rows entries: each row's leaf adds depth + c(n_leaf) (as
  // FlatForest scores it) to path_sums[row], so when every tree holds every
  // row the training rows' path-length sums come out of growing, in tree
  // order, bit for bit what scoring them again would give.
  double* path_sums = nullptr;
  PathLengthFormula formula = PathLengthFormula::kLogApproximation;
};

// x column-major, for TreeSample::columns; an error names the first row with
// a value that is not finite.
Result<std::vector<float>> transpose(const FeatureMatrix& x);

// Non-finite values among those the tree reads are invalid input (with
// `columns`, the caller checked them: see transpose).
Result<TreeNodes> grow_isolation_tree(const TreeSample& sample, uint32_t max_depth, Random& rng);

}  // namespace vigil::anomaly
