#include "anomaly/path_length.h"

#include <cmath>

namespace vigil::anomaly {
namespace {

double harmonic_number(uint64_t k) {
  double sum = 0.0;
  for (uint64_t i = k; i >= 1; --i) sum += 1.0 / static_cast<double>(i);  // small terms first
  return sum;
}

}  // namespace

double average_path_length(uint64_t n, PathLengthFormula formula) {
  if (n <= 1) return 0.0;
  if (n == 2) return 1.0;
  const double nd = static_cast<double>(n);
  // Same operation order as sklearn's _average_path_length, so results match
  // to the last bit where libm's log does.
  const double correction = 2.0 * (nd - 1.0) / nd;
  if (formula == PathLengthFormula::kExactHarmonic) {
    return 2.0 * harmonic_number(n - 1) - correction;
  }
  return 2.0 * (std::log(nd - 1.0) + kEulerGamma) - correction;
}

}  // namespace vigil::anomaly
