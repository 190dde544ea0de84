// Groups repeats of one rule for one entity into one alert. A group lives for
// `window` of event time from its first event: repeats inside it update the
// alert (count, first/last seen); the first repeat after it opens a new alert,
// so a sustained attack is re-raised once per window rather than either
// flooding or being hidden forever. A group is dropped once the newest event
// time seen is two windows past its first event (no event that late would
// still join it, allowing a window of lateness), so memory follows the alert
// rate over a window, not max_groups.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include "core/timestamp.h"

namespace vigil {

struct DedupeDecision {
  std::string alert_id;
  bool repeat = false;  // true: an existing alert was updated
  uint64_t count = 1;
  Timestamp first_seen;
  Timestamp last_seen;
};

class AlertDeduper {
 public:
  // max_groups bounds memory: past it the least recently seen group is
  // forgotten (its next repeat opens a new alert).
  AlertDeduper(int64_t window_micros, size_t max_groups)
      : window_(window_micros), max_groups_(max_groups) {}

  // `new_id` is used when the event opens a new alert. Not thread-safe.
  DedupeDecision admit(const std::string& key, Timestamp time, const std::string& new_id);
  // Stops grouping into `alert_id` (its status changed: a closed alert is not
  // reopened by a repeat).
  void forget(const std::string& alert_id);
  size_t size() const { return groups_.size(); }
  uint64_t evicted() const { return evicted_; }  // by max_groups
  uint64_t expired() const { return expired_; }  // by event time

 private:
  struct Group {
    DedupeDecision state;
    std::list<std::string>::iterator recency;  // position in recency_ (front = newest)
  };
  void touch(Group& g);
  void evict_oldest();
  void expire_passed();

  int64_t window_;
  size_t max_groups_;
  std::unordered_map<std::string, Group> groups_;
  std::list<std::string> recency_;
  int64_t newest_ = INT64_MIN;  // the newest event time admitted
  uint64_t evicted_ = 0;
  uint64_t expired_ = 0;
};

}  // namespace vigil
