// The detect stage's contract. A Detector sees every enriched event with raw
// (unsanitized) values and raises alerts through the sink. The pipeline
// routes events by entity (pipeline/entity_router.h): one entity's events
// arrive in submission order on one thread; different entities concurrently.
// Intel matching, Sigma rules, correlation windows, behavioural baselines and
// the Isolation Forest each implement it; the pipeline runs them in order.
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
  // concurrently from several lanes: state shared across entities must be
  // sharded or synchronized.
  virtual void on_event(Event& event, AlertSink& alerts) = 0;
};

}  // namespace vigil
