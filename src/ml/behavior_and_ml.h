// The behaviour detector and the Isolation Forest detector on one reading of
// each event. Both read the same things (entity, time, place, device, volume:
// behavior::ObservationReader), which is most of what either costs per event;
// when both are on and follow the same entity, the engine runs this instead
// of the two, so each event is walked once: the ML detector's reader (whose
// path set holds behavior:'s paths — same config, same user-agent parser —
// and what only ML reads: outcome, query) finds every field, behaviour scores
// and learns the observation first, then the ML detector gets the same
// observation and fields.
#pragma once

#include <memory>

#include "behavior/behavior_detector.h"
#include "detect/detector.h"
#include "ml/ml_detector.h"

namespace vigil::ml {

class BehaviorAndMl : public Detector {
 public:
  BehaviorAndMl(std::shared_ptr<behavior::BehaviorDetector> behavior,
                std::shared_ptr<MlDetector> ml)
      : behavior_(std::move(behavior)), ml_(std::move(ml)) {}

  std::string_view name() const override { return "behavior+ml"; }
  void on_event(Event& event, AlertSink& alerts) override {
    const FactReader& reader = ml_->reader();
    const behavior::EventFields fields = reader.fields_of(event.doc);
    auto observation = reader.observe(event, fields);
    if (!observation) return;
    behavior_->on_observation(event, *observation, alerts);
    ml_->on_observation(event, std::move(*observation), fields, alerts);
  }
  // Both detectors' state of the entity (the router's entity is theirs).
  void prefetch(std::string_view entity, uint64_t entity_hash) const override {
    behavior_->prefetch(entity, entity_hash);
    ml_->prefetch_entity(entity_hash);
  }

 private:
  std::shared_ptr<behavior::BehaviorDetector> behavior_;
  std::shared_ptr<MlDetector> ml_;
};

}  // namespace vigil::ml
