// Running shipped rule files through the real Sigma engine in tests.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "detect/sigma_detector.h"

namespace vigil::testing {

// Keeps every alert it is given.
struct CollectAlerts final : AlertSink {
  void emit(Alert a) override { alerts.push_back(std::move(a)); }
  std::vector<Alert> alerts;
};

// A detector over `rule_files` with the default field mappings and in-memory
// correlation state; records a test failure when a file does not load.
std::unique_ptr<sigma::SigmaDetector> detector_for(
    const std::vector<std::filesystem::path>& rule_files);

}  // namespace vigil::testing
