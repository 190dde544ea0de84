// Scores one observation against its entity's baseline (before the
// observation is learned). Each check is a probability from smoothed,
// decayed frequencies compared with a configured threshold; a finding
// carries the words an analyst reads.
#pragma once

#include <string>
#include <vector>

#include "behavior/entity_baseline.h"
#include "behavior/observation.h"
#include "config/config.h"
#include "core/severity.h"

namespace vigil::behavior {

// The anomaly types (alert rule_name and metric label).
inline constexpr const char* kUnusualAccessTime = "unusual_access_time";
inline constexpr const char* kUnusualLocation = "unusual_location";
inline constexpr const char* kUnusualResource = "unusual_resource_access";
inline constexpr const char* kImpossibleTravel = "impossible_travel";
inline constexpr const char* kNewDevice = "new_device";
inline constexpr const char* kDataVolumeSpike = "data_volume_spike";

struct Finding {
  const char* type = "";
  double probability = 1;  // the check's estimate; lower = more anomalous
  bool anomalous = false;  // crossed its threshold
  Severity severity = Severity::kLow;
  std::string explanation;  // only for anomalous findings
};

// True once the entity has learned enough (min_events over min_days).
bool learned(const EntityBaseline& b, const BehaviorConfig& config);

// Every check that applies to the observation (anomalous or not, so the
// entity API can show recent scores); alert on those with `anomalous`.
std::vector<Finding> score(const Observation& o, const EntityBaseline& b,
                           const BehaviorConfig& config);

}  // namespace vigil::behavior
