#include "app/detection.h"

#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include "app/builtin_rules.h"
#include "detect/sigma.h"
#include "state/memory_state_store.h"

namespace vigil {
namespace {

std::vector<std::filesystem::path> to_paths(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

struct LoadedRules {
  std::shared_ptr<const sigma::RuleSet> set;
  std::shared_ptr<const sigma::CorrelationSet> correlations;
  std::vector<std::string> errors;
  size_t files = 0;
};

Result<LoadedRules> compile_rule_set(const DetectConfig& config) {
  sigma::LoadOptions options;
  options.placeholders = config.placeholders;
  options.correlation_overrides = config.correlation_overrides;
  std::vector<sigma::RuleText> builtin;
  if (config.builtin_rules) {
    for (const auto& file : builtin_rule_files()) {
      builtin.push_back(sigma::RuleText{std::string("builtin:") + file.name, file.yaml});
    }
  }
  // One load, so user rules, filters and correlations may refer to the pack.
  auto loaded = sigma::load_rule_sources(to_paths(config.rules), builtin, options);
  auto mappings = sigma::default_mappings(to_paths(config.logsource_tables));
  if (!mappings) return tl::unexpected(mappings.error());
  LoadedRules out;
  out.files = loaded.files;
  for (const auto& e : loaded.errors) {
    out.errors.push_back(fmt::format("{}:{}: {}{}", e.file, e.line,
                                     e.rule.empty() ? "" : "'" + e.rule + "': ", e.reason));
  }
  out.set = std::make_shared<const sigma::RuleSet>(loaded.rules, std::move(*mappings));
  out.correlations =
      std::make_shared<const sigma::CorrelationSet>(loaded.rules, loaded.correlations);
  return out;
}

Result<LoadedRules> load_rule_set(const DetectConfig& config) {
  auto out = compile_rule_set(config);
  // main() has glibc keep freed memory for reuse (M_TRIM_THRESHOLD 256 MiB).
  // Compiling a large rule tree frees tens of MiB of YAML and Hyperscan
  // compiler memory at once that the hot path never asks for again: give it
  // back (the SigmaHQ tree: +36.5 MiB RSS without this, +11.3 MiB with it).
  ::malloc_trim(0);
  return out;
}

void log_loaded(const LoadedRules& loaded) {
  for (const auto& e : loaded.errors) spdlog::error("rule not loaded: {}", e);
  spdlog::info(
      "sigma: {} rules and {} correlation rules loaded from {} files, {} failed, {} with no "
      "matching log source",
      loaded.set->rule_count(), loaded.correlations->correlations().size(), loaded.files,
      loaded.errors.size(), loaded.set->unmapped().size());
}

std::shared_ptr<sigma::CorrelationEngine> make_correlation_engine(const DetectConfig& config,
                                                                  VigilMetrics* metrics) {
  state::StateLimits limits;
  limits.max_groups = config.correlation.max_groups;
  limits.max_entries_per_group = config.correlation.max_events_per_group;
  state::StateCounters counters;
  sigma::CorrelationOptions options;
  options.allowed_lateness_us = int64_t{config.correlation.allowed_lateness_s} * 1'000'000;
  options.max_evidence_bytes = config.correlation.max_evidence_mb << 20;
  if (metrics != nullptr) {
    counters = {&metrics->correlation_groups_evicted, &metrics->correlation_groups_expired,
                &metrics->correlation_entries_dropped, &metrics->correlation_groups};
    options.late_events = &metrics->correlation_late_events;
    options.too_late_events = &metrics->correlation_too_late_events;
    options.evidence_refused = &metrics->correlation_evidence_refused;
  }
  return std::make_shared<sigma::CorrelationEngine>(
      std::make_shared<state::MemoryStateStore>(limits, counters), options);
}

}  // namespace

Result<std::unique_ptr<DetectionStage>> DetectionStage::create(const DetectConfig& config,
                                                               VigilMetrics* metrics) {
  std::unique_ptr<DetectionStage> stage(new DetectionStage(config));
  if (config.rules.empty() && !config.builtin_rules) return stage;
  auto loaded = load_rule_set(config);
  if (!loaded) return tl::unexpected(loaded.error());
  log_loaded(*loaded);
  stage->sigma_ = std::make_shared<sigma::SigmaDetector>(loaded->set, loaded->correlations,
                                                         make_correlation_engine(config, metrics));
  return stage;
}

std::vector<std::shared_ptr<Detector>> DetectionStage::detectors() const {
  std::vector<std::shared_ptr<Detector>> out;
  if (sigma_) out.push_back(sigma_);
  return out;
}

RuleReload DetectionStage::reload() {
  std::lock_guard lock(reload_mu_);
  RuleReload result;
  if (!sigma_) {
    result.errors.push_back("no rules are configured (detect.rules, detect.builtin_rules)");
    return result;
  }
  auto loaded = load_rule_set(config_);
  if (!loaded) {
    result.errors.push_back(loaded.error().message);
  } else if (!loaded->errors.empty()) {
    result.errors = std::move(loaded->errors);
  }
  if (!result.errors.empty()) {
    for (const auto& e : result.errors) spdlog::error("rules reload refused: {}", e);
    spdlog::error("rules reload refused: the running rules stay");
    return result;
  }
  log_loaded(*loaded);
  result.rules = loaded->set->rule_count();
  sigma_->replace(std::move(loaded->set), std::move(loaded->correlations));
  spdlog::info("rules reloaded: {} rules", result.rules);
  return result;
}

}  // namespace vigil
