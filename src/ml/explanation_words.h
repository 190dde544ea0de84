// An ML alert's explanation in words a person reads: the features that drove
// the isolation (anomaly::Explanation's per-feature shortfall), each said in
// its own terms against the entity's history, e.g.
//   "data volume 4.0 MB is 40x this user's usual 102 KB (61%)".
// Cyclic pairs (hour_sin/hour_cos, week_sin/week_cos) are said once, and so
// are a speed beyond plausible travel and the distance from the usual places
// it lands at (one move: reported as the travel). Nothing
// raw: no entity key, IP or resource name, only numbers, a country code and
// the event's time.
#pragma once

#include <string>
#include <vector>

#include "anomaly/explanation.h"
#include "ml/entity_history.h"
#include "ml/features.h"

namespace vigil::ml {

struct Driver {
  std::string feature;  // the feature's name (the pair's first for cyclic ones)
  double share = 0;     // of the contributions towards "anomalous", 0..1
  std::string words;
};

// The top `top` drivers with a positive share (pairs merged as above).
// `entity_word` is "user", "host" or "source IP".
std::vector<Driver> drivers(const anomaly::Explanation& e, const FeatureRow& row,
                            const EventFacts& facts, const HistoryView& history,
                            std::string_view entity_word, size_t top = 3);

// "data volume 4.0 MB ... (61%); at 03:12 UTC (20%)".
std::string join_drivers(const std::vector<Driver>& drivers);

// "4.0 MB", "512 KB", "12 bytes".
std::string format_kb(double kb);

}  // namespace vigil::ml
