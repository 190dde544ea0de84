// c(n) as scikit-learn 1.2.1 computes it (README of ../shared/data/anomaly).
#include "anomaly/path_length.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vigil::anomaly {
namespace {

TEST(PathLength, SmallCasesAreFixedBySklearn) {
  EXPECT_EQ(average_path_length(0), 0.0);
  EXPECT_EQ(average_path_length(1), 0.0);
  EXPECT_EQ(average_path_length(2), 1.0);
  EXPECT_EQ(average_path_length(2, PathLengthFormula::kExactHarmonic), 1.0);
}

TEST(PathLength, MatchesTheReadmeValueFor256) {
  // README: c(256) = 10.244770920119917.
  EXPECT_NEAR(average_path_length(256), 10.244770920119917, 1e-15);
}

TEST(PathLength, LogApproximationAndExactHarmonicAreDifferentChoices) {
  // n = 3: 2(ln 2 + γ) − 4/3 against 2·H(2) − 4/3 = 3 − 4/3.
  EXPECT_NEAR(average_path_length(3), 2.0 * (std::log(2.0) + 0.5772156649015329) - 4.0 / 3.0,
              1e-15);
  EXPECT_NEAR(average_path_length(3, PathLengthFormula::kExactHarmonic), 3.0 - 4.0 / 3.0, 1e-15);
  // They converge for large n (H(k) − ln k − γ → 1/(2k)).
  EXPECT_NEAR(average_path_length(100000),
              average_path_length(100000, PathLengthFormula::kExactHarmonic), 1e-4);
}

}  // namespace
}  // namespace vigil::anomaly
