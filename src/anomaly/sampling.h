// Which training rows and features each tree sees.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "anomaly/random.h"

namespace vigil::anomaly {

// k of 0..n−1: distinct (Floyd's algorithm, O(k) whatever n is, so fitting
// does not grow with the data set) or, with replacement, k independent draws.
std::vector<uint32_t> sample_indices(size_t n, size_t k, bool with_replacement, Random& rng);

}  // namespace vigil::anomaly
