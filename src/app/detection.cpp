#include "app/detection.h"

#include <spdlog/spdlog.h>

#include "app/builtin_rules.h"
#include "detect/sigma.h"

namespace vigil {
namespace {

std::vector<std::filesystem::path> to_paths(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

Result<std::shared_ptr<Detector>> build_sigma(const DetectConfig& config) {
  sigma::LoadOptions options;
  options.placeholders = config.placeholders;
  auto loaded = sigma::load_rules(to_paths(config.rules), options);
  if (config.builtin_rules) {
    for (const auto& file : builtin_rule_files()) {
      auto builtin =
          sigma::load_rules_from_text(file.yaml, std::string("builtin:") + file.name, options);
      loaded.rules.insert(loaded.rules.end(), builtin.rules.begin(), builtin.rules.end());
      loaded.errors.insert(loaded.errors.end(), builtin.errors.begin(), builtin.errors.end());
      ++loaded.files;
    }
  }
  for (const auto& e : loaded.errors) {
    spdlog::error("rule not loaded: {}:{}: {}{}", e.file, e.line,
                  e.rule.empty() ? "" : "'" + e.rule + "': ", e.reason);
  }
  auto mappings = sigma::default_mappings(to_paths(config.logsource_tables));
  if (!mappings) return tl::unexpected(mappings.error());
  auto set = std::make_shared<const sigma::RuleSet>(loaded.rules, std::move(*mappings));
  spdlog::info("sigma: {} rules loaded from {} files, {} failed, {} with no matching log source",
               set->rule_count(), loaded.files, loaded.errors.size(), set->unmapped().size());
  return std::make_shared<sigma::SigmaDetector>(std::move(set));
}

}  // namespace

Result<std::vector<std::shared_ptr<Detector>>> build_detectors(const DetectConfig& config) {
  std::vector<std::shared_ptr<Detector>> detectors;
  if (!config.rules.empty() || config.builtin_rules) {
    auto sigma = build_sigma(config);
    if (!sigma) return tl::unexpected(sigma.error());
    detectors.push_back(std::move(*sigma));
  }
  return detectors;
}

}  // namespace vigil
