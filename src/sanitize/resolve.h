// Overlapping findings become one deterministic, disjoint set.
#pragma once

#include <vector>

#include "sanitize/pattern.h"

namespace vigil::sanitize_detail {

// Sorts candidates (leftmost, then longest, then Pattern order) and keeps them
// greedily. A candidate that overlaps a kept one is merged into it when both
// are the same pattern; otherwise only its part past the kept one survives, so
// no byte any pattern claimed is ever written out raw.
void resolve(std::vector<Finding>& candidates, std::vector<Finding>& out);

}  // namespace vigil::sanitize_detail
