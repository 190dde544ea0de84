#include "alert/alert_deduper.h"

#include <algorithm>

namespace vigil {

DedupeDecision AlertDeduper::admit(const std::string& key, Timestamp time,
                                   const std::string& new_id) {
  newest_ = std::max(newest_, time.micros);
  expire_passed();
  auto it = groups_.find(key);
  if (it != groups_.end()) {
    DedupeDecision& s = it->second.state;
    // Late events count too: the window is measured both ways from the start.
    if (window_ > 0 && std::abs(time.micros - s.first_seen.micros) < window_) {
      s.repeat = true;
      ++s.count;
      s.first_seen = std::min(s.first_seen, time);
      s.last_seen = std::max(s.last_seen, time);
      touch(it->second);
      return s;
    }
    recency_.erase(it->second.recency);
    groups_.erase(it);
  }
  DedupeDecision fresh{new_id, false, 1, time, time};
  if (window_ <= 0) return fresh;
  if (max_groups_ > 0 && groups_.size() >= max_groups_) evict_oldest();
  recency_.push_front(key);
  groups_.emplace(key, Group{fresh, recency_.begin()});
  return fresh;
}

void AlertDeduper::forget(const std::string& alert_id) {
  for (auto it = groups_.begin(); it != groups_.end(); ++it) {
    if (it->second.state.alert_id == alert_id) {
      recency_.erase(it->second.recency);
      groups_.erase(it);
      return;
    }
  }
}

void AlertDeduper::touch(Group& g) {
  recency_.splice(recency_.begin(), recency_, g.recency);
}

// From the least recently touched: touch order follows event time closely
// enough that the first group still live ends the sweep.
void AlertDeduper::expire_passed() {
  while (window_ > 0 && !recency_.empty()) {
    const auto it = groups_.find(recency_.back());
    if (newest_ - it->second.state.first_seen.micros < 2 * window_) return;
    groups_.erase(it);
    recency_.pop_back();
    ++expired_;
  }
}

void AlertDeduper::evict_oldest() {
  if (recency_.empty()) return;
  groups_.erase(recency_.back());
  recency_.pop_back();
  ++evicted_;
}

}  // namespace vigil
