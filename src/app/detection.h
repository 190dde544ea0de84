// Builds the detect stage from the config: Sigma rules with vigil's field
// mappings. Rules that fail to load are logged (file, line, reason) and the
// rest run, so one broken rule never stops the engine.
#pragma once

#include <memory>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "detect/detector.h"

namespace vigil {

// The configured detectors, in the order they run; empty when none are set.
Result<std::vector<std::shared_ptr<Detector>>> build_detectors(const DetectConfig& config);

}  // namespace vigil
