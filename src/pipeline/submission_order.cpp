#include "pipeline/submission_order.h"

#include <algorithm>

namespace vigil {

void SubmissionOrderRunner::chunk_done(uint64_t ordinal, std::vector<OrderedWork> work) {
  std::lock_guard lock(mutex_);
  waiting_.emplace(ordinal, std::move(work));
  for (auto it = waiting_.begin(); it != waiting_.end() && it->first == next_;
       it = waiting_.erase(it), ++next_) {
    auto& ready = it->second;
    // Lanes hand in their parts in any order; positions restore the chunk's.
    std::stable_sort(ready.begin(), ready.end(), [](const OrderedWork& a, const OrderedWork& b) {
      return a.position < b.position;
    });
    for (auto& w : ready) w.work(*alerts_);
  }
}

}  // namespace vigil
