// The least a Pipeline needs to run one test detector: default normalizer and
// sanitizer, the detector, and an alert sink that drops what it gets; and the
// sink detector tests collect alerts in.
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "normalize/normalizer.h"
#include "pipeline/stages.h"
#include "sanitize/sanitizer.h"

namespace vigil::testing {

class DiscardingAlertSink final : public AlertSink {
 public:
  void emit(Alert) override {}
};

// Every alert a detector emitted, from any thread (read them once the
// detector is done).
class CollectingSink final : public AlertSink {
 public:
  void emit(Alert alert) override {
    std::lock_guard lock(mu_);
    alerts.push_back(std::move(alert));
  }
  size_t count(std::string_view rule) const {
    return static_cast<size_t>(std::count_if(alerts.begin(), alerts.end(),
                                             [&](const Alert& a) { return a.rule == rule; }));
  }
  std::vector<std::string> rules() const {
    std::vector<std::string> out;
    for (const auto& a : alerts) out.push_back(a.rule);
    return out;
  }
  std::vector<Alert> alerts;

 private:
  std::mutex mu_;
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
