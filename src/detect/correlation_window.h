// Evaluates one correlation over one group's window: what the aggregate is
// (count, distinct values, rules seen, sum/avg/min/max/median/percentile) for
// the events in [end - timespan, end], and whether the condition holds.
#pragma once

#include <optional>

#include "detect/correlation.h"
#include "state/state_store.h"

namespace vigil::sigma {

struct WindowResult {
  double value = 0;   // the aggregate the condition was checked against
  size_t events = 0;  // entries inside the window
  size_t first = 0;   // index range [first, last] of the window's entries
  size_t last = 0;
};

// The result when the correlation's condition holds for the window ending at
// entries[end_index] (inclusive), else nullopt. temporal_ordered only
// completes on an entry of its last rule.
std::optional<WindowResult> evaluate_window(const Correlation& c, const state::WindowState& w,
                                            size_t end_index);

}  // namespace vigil::sigma
