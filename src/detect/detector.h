// The detect stage's contract. A Detector sees every enriched event with raw
// (unsanitized) values and raises alerts through the sink. The pipeline
// routes events by entity (pipeline/entity_router.h): one entity's events
// arrive in submission order on one thread; different entities concurrently.
// Intel matching, Sigma rules, correlation windows, behavioural baselines and
// the Isolation Forest each implement it; the pipeline runs them in order.
#pragma once

#include <cstdint>
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
  // A hint the lane gives a few events before an event's on_event, on the
  // same thread: `entity` is the event's behavior.entity as the router read
  // it (pipeline/entity_router.h), `entity_hash` its XXH3-64. A detector
  // keeping state per that entity may start loading it into the cache, so
  // on_event finds it there instead of stalling on it. The event's document
  // is not passed: it is still cold on this core, and reading it here would
  // only move its misses. Must change nothing on_event sees (no state
  // written, no alerts): order and alerts are what they are without it.
  virtual void prefetch(std::string_view /*entity*/, uint64_t /*entity_hash*/) const {}
};

}  // namespace vigil
