// One entity's learned behaviour: activity by hour of the week, places,
// resources, devices, event types and the distribution of data volume, all
// weighted so that activity `half_life` ago counts half. Also the last
// geolocated sighting (for impossible travel) and the latest anomaly scores.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "behavior/decayed_counts.h"
#include "behavior/observation.h"

namespace vigil::behavior {

struct BaselineLimits {
  double half_life_s = 30 * 86400.0;
  size_t max_values = 64;
};

// One scored observation kept for the entity API.
struct RecentScore {
  int64_t time_s = 0;
  std::string type;        // anomaly type
  double probability = 1;  // how likely the baseline found it (lower = stranger)
  bool alerted = false;
};

struct VolumeStats {
  double weight = 0;  // decayed sample weight
  double sum = 0;     // of log(bytes + 1)
  double sum_sq = 0;
  uint64_t samples = 0;  // not decayed: for the minimum-sample rule

  double mean() const { return weight > 0 ? sum / weight : 0; }
  double stddev() const;
};

struct LastSighting {
  int64_t time_s = 0;
  GeoPoint point;
  std::string place;  // "London, GB" or the country
};

// Decayed weights by hour of the week (0 = Monday 00:00 UTC), indexed like
// an array of 168 but stored hour-of-day-major: the hour a check reads, its
// two neighbours and the same hour on the six other days (what
// hour_probability sums for every event) lie within 84 bytes, two cache
// lines, where hour-of-week order spread them over 7-9 of a 672-byte array.
class WeekHours {
 public:
  static constexpr size_t size() { return 168; }
  float& operator[](size_t how) { return weights_[slot_of(how)]; }
  float operator[](size_t how) const { return weights_[slot_of(how)]; }
  // The weights of one hour of the day, by day of the week (0 = Monday).
  const float* days_at(size_t hour_of_day) const { return &weights_[hour_of_day * 7]; }
  void scale(double factor) {
    for (float& w : weights_) w = static_cast<float>(w * factor);
  }

 private:
  static constexpr size_t slot_of(size_t how) { return (how % 24) * 7 + how / 24; }
  std::array<float, 168> weights_{};
};

class EntityBaseline {
 public:
  static constexpr size_t kRecentScores = 20;

  // Folds the observation in (weighted by its age relative to the newest
  // event seen, so a late event counts for what it is worth).
  void learn(const Observation& o, const BaselineLimits& limits);
  void record_score(RecentScore s);
  // Starts loading what scoring and learning an event read: the baseline
  // itself and its values' slots (Detector::prefetch).
  void prefetch() const;

  // Smoothed probability of activity in this hour of the week: the hour,
  // half of its neighbours and a share of the same hour on other days, plus
  // a prior of one event spread over the week.
  double hour_probability(int hour_of_week) const;

  uint64_t events = 0;  // not decayed
  double weight = 0;    // decayed event count
  int64_t first_seen_s = 0;
  int64_t last_seen_s = 0;
  int64_t decay_ref_s = 0;  // weights are as of this event time
  // float: a weight needs no more than 7 digits, and 168 of them are most
  // of a baseline's fixed size (672 B instead of 1,344 B per entity).
  WeekHours hours;
  DecayedCounts countries, cities, asns, networks, resources, devices, event_types;
  VolumeStats volume;
  std::optional<LastSighting> last_sighting;
  std::vector<RecentScore> recent;  // newest last

 private:
  void decay_to(int64_t time_s, double half_life_s);
};

}  // namespace vigil::behavior
