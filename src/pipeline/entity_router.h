// Chooses the detect lane of an event: all events of one entity go to one
// lane, so the detectors see each entity's events in submission order even
// with several workers (behaviour scoring and correlation windows depend on
// it). The entity is `behavior.entity` (user by default), else the source IP;
// events naming neither are spread round-robin.
#pragma once

#include <cstddef>

#include "config/config.h"
#include "core/entity.h"
#include "core/event.h"
#include "core/field_path.h"

namespace vigil {

// An event's behavior.entity as text and its XXH3-64: what the router hashed,
// passed on to the lane for Detector::prefetch. Empty when the event names none.
struct EntityKey {
  std::string text;
  uint64_t hash = 0;
};

class EntityRouter {
 public:
  EntityRouter(const Config& config, size_t lanes);

  // Not thread-safe (round-robin state): the pipeline routes under one lock.
  size_t lane_of(const Event& event) { return lane_of(event, nullptr); }
  // The same, and `entity` (when not null) receives the event's entity.
  size_t lane_of(const Event& event, EntityKey* entity);
  size_t lanes() const { return lanes_; }

 private:
  FieldPath entity_;
  FieldPath source_ip_;
  size_t lanes_;
  size_t next_keyless_ = 0;
};

}  // namespace vigil
