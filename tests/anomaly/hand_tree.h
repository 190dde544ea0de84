// A forest small enough to work out by hand, and sklearn's c(n) written out
// here rather than taken from the library (explanation and unseen-value tests).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "anomaly/isolation_forest.h"
#include "anomaly/sklearn_export.h"

namespace vigil::anomaly::handmade {

inline double c(double n) {
  if (n <= 1) return 0;
  if (n == 2) return 1;
  return 2.0 * (std::log(n - 1.0) + 0.5772156649015329) - 2.0 * (n - 1.0) / n;
}

// One tree over 4 rows: root splits f1 <= 0.5 into a leaf of 1 row and a node
// of 3 rows, which splits f0 <= 0.5 into leaves of 1 and 2 rows. Features
// past f1 (n_features > 2) are never split on.
inline IsolationForest hand_tree(int n_features = 2) {
  std::istringstream in("# max_samples_=4 offset_=-0.5 n_features=" + std::to_string(n_features) +
                        " n_trees=1\n"
                        "tree\tnode\tleft\tright\tfeature\tthreshold\tn_node_samples\n"
                        "0\t0\t1\t2\t1\t0.5\t4\n"
                        "0\t1\t-1\t-1\t-1\tnan\t1\n"
                        "0\t2\t3\t4\t0\t0.5\t3\n"
                        "0\t3\t-1\t-1\t-1\tnan\t1\n"
                        "0\t4\t-1\t-1\t-1\tnan\t2\n");
  auto f = read_sklearn_forest(in, "hand");
  EXPECT_TRUE(f.has_value()) << f.error().message;
  return *f;
}

}  // namespace vigil::anomaly::handmade
