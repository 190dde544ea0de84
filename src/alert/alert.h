// What a detection produces, and where detections send it. Every detector
// (Sigma rules, correlation, behaviour, Isolation Forest, intel) emits through
// one AlertSink, so dedupe, sanitization and outputs are decided in one place.
#pragma once

#include <string>

#include "core/severity.h"
#include "core/timestamp.h"
#include "core/value.h"

namespace vigil {

struct Alert {
  std::string rule;     // rule name, or the anomaly type for behavioural detectors
  std::string rule_id;  // stable id (Sigma `id`), may be empty
  Severity severity = Severity::kMedium;
  double confidence = 1.0;  // 0..1
  std::string description;
  Timestamp time;  // event time of the event that triggered it
  Value context;   // raw values (entity, matched fields); sanitized on output
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Called from worker threads; implementations must be thread-safe.
  virtual void emit(Alert alert) = 0;
};

}  // namespace vigil
