// The compiled, immutable stages every worker shares. Built once at start-up
// (or on reload: build new, validate, swap), never mutated while running.
#pragma once

#include <memory>
#include <vector>

#include "alert/alert.h"
#include "detect/detector.h"
#include "enrich/enricher.h"
#include "metrics/vigil_metrics.h"
#include "normalize/normalizer.h"
#include "sanitize/sanitizer.h"

namespace vigil {

struct Stages {
  std::shared_ptr<const Normalizer> normalizer;
  std::shared_ptr<const Enricher> enricher;  // null: no enrichment configured
  std::shared_ptr<const Sanitizer> sanitizer;
  std::vector<std::shared_ptr<Detector>> detectors;
  AlertSink* alerts = nullptr;      // required when detectors is not empty
  VigilMetrics* metrics = nullptr;  // optional
};

}  // namespace vigil
