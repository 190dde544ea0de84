// Reads a forest exported node by node from scikit-learn
// (../shared/data/anomaly/reference/sklearn_ref.py --export-forest), so vigil
// scores with the very trees sklearn grew:
//   # ... max_samples_=256 offset_=-0.5 n_features=21 n_trees=100
//   tree  node  left  right  feature  threshold  n_node_samples   (tab-separated)
// Leaves: left = right = feature = -1, threshold nan.
#pragma once

#include <filesystem>
#include <istream>

#include "anomaly/isolation_forest.h"

namespace vigil::anomaly {

Result<IsolationForest> load_sklearn_forest(const std::filesystem::path& path);
// `source` names the input in error messages.
Result<IsolationForest> read_sklearn_forest(std::istream& in, const std::string& source);

}  // namespace vigil::anomaly
