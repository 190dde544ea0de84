// The detect stage's contract. A Detector sees every enriched event with raw
// (unsanitized) values, in event-time order per worker, and raises alerts
// through the sink. Sigma rules, correlation windows, behavioural baselines
// and the Isolation Forest each implement it; the pipeline runs them in order.
#pragma once

#include <string_view>

#include "alert/alert.h"
#include "core/event.h"

namespace vigil {

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const = 0;
  // May raise the event's severity (never lower it) and emit alerts. Called
  // concurrently from several workers: state must be sharded or synchronized.
  virtual void on_event(Event& event, AlertSink& alerts) = 0;
};

}  // namespace vigil
