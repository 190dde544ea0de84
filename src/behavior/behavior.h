// The behaviour stage's public header (UEBA): per-entity baselines learned
// in event time (hours of the week, places, resources, devices, event types,
// data volume), decayed and bounded; probabilistic scoring of
// unusual_access_time, unusual_location, unusual_resource_access,
// impossible_travel, new_device and data_volume_spike; the Detector that
// raises them as alerts; and the SQLite store that keeps baselines across
// restarts. Configured by the `behavior:` section (config/vigil.example.yaml).
#pragma once

#include "behavior/baseline_codec.h"     // IWYU pragma: export
#include "behavior/baseline_store.h"     // IWYU pragma: export
#include "behavior/behavior_detector.h"  // IWYU pragma: export
#include "behavior/device_parser.h"      // IWYU pragma: export
#include "behavior/entity_baseline.h"    // IWYU pragma: export
#include "behavior/scorer.h"             // IWYU pragma: export
