// The least a Pipeline needs to run one test detector: default normalizer and
// sanitizer, the detector, and an alert sink that drops what it gets.
#pragma once

#include <memory>

#include "config/config.h"
#include "normalize/normalizer.h"
#include "pipeline/stages.h"
#include "sanitize/sanitizer.h"

namespace vigil::testing {

class DiscardingAlertSink final : public AlertSink {
 public:
  void emit(Alert) override {}
};

inline Stages stages_with(const Config& config, std::shared_ptr<Detector> detector,
                          AlertSink& alerts) {
  Stages stages;
  stages.normalizer = std::make_shared<Normalizer>(config.normalize);
  stages.sanitizer = *Sanitizer::create(config.sanitize);
  stages.detectors.push_back(std::move(detector));
  stages.alerts = &alerts;
  return stages;
}

}  // namespace vigil::testing
