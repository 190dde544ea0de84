// The steps of IsolationForest::fit, separate so each reads on its own.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "anomaly/feature_matrix.h"
#include "anomaly/options.h"
#include "anomaly/tree_node.h"
#include "core/error.h"

namespace vigil::anomaly {

// The options resolved against the data, as sklearn resolves them.
struct FitPlan {
  uint32_t max_samples = 0;   // ψ
  uint32_t max_features = 0;  // columns per tree
  uint32_t max_depth = 0;     // ⌈log2(max(ψ, 2))⌉
};

Result<FitPlan> plan_fit(const FeatureMatrix& x, const IsolationForestOptions& options);

// Tree t draws from its own random stream (seed, t). NaN or infinity among
// the values a tree reads is invalid input. With `path_sums`, when every tree
// grows on every row (ψ = n, no bootstrap), fills it with the rows' sums over
// trees of depth + c(n_leaf), exactly FlatForest::path_length_sums of the
// grown forest on x, and leaves it empty otherwise: the contamination cut then
// needs no second walk of the training rows.
Result<std::vector<TreeNodes>> grow_trees(const FeatureMatrix& x, const FitPlan& plan,
                                          const IsolationForestOptions& options,
                                          std::vector<double>* path_sums = nullptr);

// numpy.percentile(values, q) with its default linear interpolation, q in
// [0, 100]: sklearn's offset for a contamination fraction.
double linear_percentile(std::span<const double> values, double q);

}  // namespace vigil::anomaly
