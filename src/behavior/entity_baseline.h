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

class EntityBaseline {
 public:
  static constexpr size_t kRecentScores = 20;

  // Folds the observation in (weighted by its age relative to the newest
  // event seen, so a late event counts for what it is worth).
  void learn(const Observation& o, const BaselineLimits& limits);
  void record_score(RecentScore s);

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
  std::array<float, 168> hours{};
  DecayedCounts countries, cities, asns, networks, resources, devices, event_types;
  VolumeStats volume;
  std::optional<LastSighting> last_sighting;
  std::vector<RecentScore> recent;  // newest last

 private:
  void decay_to(int64_t time_s, double half_life_s);
};

}  // namespace vigil::behavior
