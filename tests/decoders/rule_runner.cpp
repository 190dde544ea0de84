#include "decoders/rule_runner.h"

#include <gtest/gtest.h>

#include "detect/sigma.h"
#include "state/memory_state_store.h"

namespace vigil::testing {

std::unique_ptr<sigma::SigmaDetector> detector_for(
    const std::vector<std::filesystem::path>& rule_files) {
  auto loaded = sigma::load_rules(rule_files);
  EXPECT_TRUE(loaded.errors.empty()) << loaded.errors.front().reason;
  auto mappings = sigma::default_mappings({});
  EXPECT_TRUE(mappings.has_value());
  return std::make_unique<sigma::SigmaDetector>(
      std::make_shared<const sigma::RuleSet>(loaded.rules, std::move(*mappings)),
      std::make_shared<const sigma::CorrelationSet>(loaded.rules, loaded.correlations),
      std::make_shared<sigma::CorrelationEngine>(std::make_shared<state::MemoryStateStore>(),
                                                 sigma::CorrelationOptions{}));
}

}  // namespace vigil::testing
