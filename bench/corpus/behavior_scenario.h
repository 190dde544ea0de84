// The behavioural benchmark corpus: a population with regular habits
// (working hours, home city, one or two devices, a set of resources, a
// typical data volume) and, after a learning period, labelled anomalies:
// activity at an hour the user is never active, a day in a country never
// visited, impossible travel, a data-volume spike and a new device. Places
// are addresses of the MaxMind GeoIP2-City test database, so vigil's GeoIP
// enrichment locates them. Same options + seed = same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::bench {

struct BehaviorScenarioOptions {
  uint64_t seed = 42;
  size_t users = 200;
  int days = 28;
  int learning_days = 10;                        // anomalies only from this day on
  double anomaly_share = 0.3;                    // of users, per anomaly type
  int64_t start_micros = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z, a Monday
};

struct LabelledLine {
  int64_t micros = 0;
  std::string json;   // one NDJSON event, without the newline
  std::string label;  // anomaly type, empty for normal activity
  std::string event_id;
};

// Every event, in event-time order.
std::vector<LabelledLine> make_behavior_scenario(const BehaviorScenarioOptions& options);

}  // namespace vigil::bench
