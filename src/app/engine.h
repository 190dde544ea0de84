// Builds the engine from a Config: the stages, the store and the pipeline.
// Shared by `run` and `replay`, so back-tests run exactly what the daemon runs.
#pragma once

#include <memory>
#include <vector>

#include "alert/alert_router.h"
#include "app/detection.h"
#include "behavior/behavior_detector.h"
#include "config/config.h"
#include "intel/intel_service.h"
#include "metrics/vigil_metrics.h"
#include "ml/ml_detector.h"
#include "pipeline/pipeline.h"

namespace vigil {

struct EngineOptions {
  bool with_store = true;
  // Outputs added to the configured ones (replay --alerts FILE).
  std::vector<AlertOutputConfig> extra_alert_outputs{};
  // Refresh intel.feeds in the background (replay: off, it uses intel.db as is).
  bool intel_feeds = true;
  // `vigil replay`: detectors that keep time keep the events' time
  // (ml.retrain_clock auto), so two replays of one file agree.
  bool replay = false;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> create(const Config& config, EngineOptions options);

  Pipeline& pipeline() { return *pipeline_; }
  VigilMetrics& metrics() { return *metrics_; }
  AlertRouter& alerts() { return *alerts_; }
  DetectionStage& detection() { return *detection_; }
  intel::IntelService* intel() { return intel_.get(); }  // null: intel.enabled false
  // Null when behavior.enabled is false.
  behavior::BehaviorDetector* behavior() { return behavior_.get(); }
  ml::MlDetector* ml() { return ml_.get(); }  // null when ml.enabled is false
  const Config& config() const { return config_; }

 private:
  explicit Engine(const Config& config) : config_(config) {}

  Config config_;
  std::unique_ptr<VigilMetrics> metrics_;
  std::unique_ptr<AlertRouter> alerts_;
  std::unique_ptr<DetectionStage> detection_;
  std::unique_ptr<intel::IntelService> intel_;  // stops after the pipeline, before alerts
  std::shared_ptr<behavior::BehaviorDetector> behavior_;
  std::shared_ptr<ml::MlDetector> ml_;
  std::unique_ptr<Pipeline> pipeline_;  // last: stops before what it uses
};

}  // namespace vigil
