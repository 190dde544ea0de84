// Builds the detect stage from the config: Sigma rules (the compiled-in pack
// and detect.rules) with vigil's field mappings. At start-up a rule that fails
// to load is logged (file, line, reason) and the rest run; a reload
// (SIGHUP, POST /api/v1/rules/reload) is all or nothing: the new set is
// compiled beside the running one and swapped in only if every rule loaded.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "detect/detector.h"
#include "detect/sigma_detector.h"
#include "metrics/vigil_metrics.h"

namespace vigil {

struct RuleReload {
  size_t rules = 0;                 // rules in the new set (when swapped in)
  std::vector<std::string> errors;  // "file:line: reason" per rule that failed
};

class DetectionStage {
 public:
  // `metrics` (may be null) receives the correlation state metrics.
  static Result<std::unique_ptr<DetectionStage>> create(const DetectConfig& config,
                                                        VigilMetrics* metrics = nullptr);

  // The detectors in the order they run; empty when nothing is configured.
  std::vector<std::shared_ptr<Detector>> detectors() const;
  // kInvalidInput (with the failures in `errors`) when any rule fails: the
  // running rules stay. Thread-safe.
  RuleReload reload();

 private:
  explicit DetectionStage(const DetectConfig& config) : config_(config) {}

  DetectConfig config_;
  std::mutex reload_mu_;                         // one reload at a time
  std::shared_ptr<sigma::SigmaDetector> sigma_;  // null: no rules configured
};

}  // namespace vigil
