// c(n): the average path length of an unsuccessful search in a binary search
// tree of n points — the Isolation Forest's yardstick for "how deep would a
// normal point be". Leaves that hold several training rows add c(n_leaf), and
// scores divide by c(max_samples).
#pragma once

#include <cstdint>

namespace vigil::anomaly {

// scikit-learn 1.2.1 uses 2·(ln(n−1) + γ) − 2·(n−1)/n; an open upstream change
// would switch to the exact harmonic number H(n−1), which moves scores of small
// leaves. Parity with exported sklearn forests needs the former, so the
// formula is a named choice rather than a silent constant.
enum class PathLengthFormula : uint8_t {
  kLogApproximation,  // scikit-learn ≤ 1.5 (and the original paper)
  kExactHarmonic,
};

inline constexpr double kEulerGamma = 0.5772156649015329;

// 0 for n ≤ 1, 1 for n = 2 (both formulas agree there).
double average_path_length(uint64_t n,
                           PathLengthFormula formula = PathLengthFormula::kLogApproximation);

}  // namespace vigil::anomaly
