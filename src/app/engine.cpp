#include "app/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "app/detection.h"
#include "ml/behavior_and_ml.h"

namespace vigil {

Result<std::unique_ptr<Engine>> Engine::create(const Config& config, EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine(config));
  engine->metrics_ = std::make_unique<VigilMetrics>(config.metrics);

  auto sanitizer = Sanitizer::create(config.sanitize);
  if (!sanitizer) return tl::unexpected(sanitizer.error());
  if ((*sanitizer)->ephemeral_key()) {
    spdlog::warn(
        "no sanitize.pseudonymize_key or VIGIL_PSEUDONYMIZE_KEY set: pseudonyms use a "
        "random per-process key and will not correlate across restarts");
  }
  auto enricher = Enricher::create(config.enrich);
  if (!enricher) return tl::unexpected(enricher.error());

  Stages stages;
  stages.normalizer = std::make_shared<Normalizer>(config.normalize);
  stages.sanitizer = *sanitizer;
  if ((*enricher)->geoip_enabled() || !config.enrich.lookups.empty())
    stages.enricher = std::shared_ptr<const Enricher>(std::move(*enricher));
  std::unique_ptr<EventStore> store;
  std::unique_ptr<AlertStore> alert_store;
  if (options.with_store) {
    std::error_code ec;
    std::filesystem::create_directories(config.storage.data_dir, ec);
    if (ec) {
      return make_error(ErrorCode::kIo, fmt::format("cannot create data dir {}: {}",
                                                    config.storage.data_dir, ec.message()));
    }
    auto made = make_event_store("sqlite", config.storage);
    if (!made) return tl::unexpected(made.error());
    store = std::move(*made);
    auto alerts = AlertStore::open(config.storage.data_dir);
    if (!alerts) return tl::unexpected(alerts.error());
    alert_store = std::move(*alerts);
  }

  engine->alerts_ = std::make_unique<AlertRouter>(config.alerts, stages.sanitizer,
                                                  engine->metrics_.get(), std::move(alert_store));
  if (auto r = engine->alerts_->add_configured_outputs(config.alerts); !r) {
    return tl::unexpected(r.error());
  }
  for (const auto& extra : options.extra_alert_outputs) {
    auto output = make_alert_output(extra, engine->metrics_.get());
    if (!output) return tl::unexpected(output.error());
    engine->alerts_->add_output(std::move(*output));
  }
  auto detection = DetectionStage::create(config.detect, engine->metrics_.get());
  if (!detection) return tl::unexpected(detection.error());
  engine->detection_ = std::move(*detection);
  if (config.intel.enabled) {
    auto intel =
        intel::IntelService::create(config.intel, {.data_dir = config.storage.data_dir,
                                                   .persist = options.with_store,
                                                   .feeds = options.intel_feeds,
                                                   .registry = &engine->metrics_->registry});
    if (!intel) return tl::unexpected(intel.error());
    engine->intel_ = std::move(*intel);
    // First, so `threat_indicators` is on the event when the rules see it.
    stages.detectors.push_back(engine->intel_->matcher());
    intel::IntelService* service = engine->intel_.get();
    engine->alerts_->add_observer(
        [service](const Alert& alert, const std::string& id) { service->on_alert(alert, id); });
    engine->intel_->start();
  }
  for (auto& detector : engine->detection_->detectors()) stages.detectors.push_back(detector);
  if (config.behavior.enabled) {
    std::unique_ptr<behavior::BaselineStore> baselines;
    if (options.with_store) {
      auto opened = behavior::BaselineStore::open(config.storage.data_dir);
      if (!opened) return tl::unexpected(opened.error());
      baselines = std::move(*opened);
    }
    auto detector = behavior::BehaviorDetector::create(
        config.behavior, stages.sanitizer, engine->metrics_.get(), std::move(baselines));
    if (!detector) return tl::unexpected(detector.error());
    engine->behavior_ = *detector;
  }
  if (config.ml.enabled) {
    ml::MlDetector::Options ml_options;
    if (options.with_store)
      ml_options.model_dir = std::filesystem::path(config.storage.data_dir) / "ml";
    // The new_device feature reads user agents with behavior:'s parser.
    if (engine->behavior_) {
      ml_options.devices = engine->behavior_->devices();
    } else if (!config.behavior.user_agent_regexes.empty()) {
      // Only a feature here: without the file, devices come from device ids.
      auto parser = behavior::DeviceParser::load(config.behavior.user_agent_regexes);
      if (parser)
        ml_options.devices = std::move(*parser);
      else
        spdlog::warn("ml: no user-agent parser, new_device from device ids only: {}",
                     parser.error().message);
    }
    ml_options.learning_min_events = static_cast<uint64_t>(config.behavior.min_events);
    ml_options.learning_min_days = config.behavior.min_days;
    ml_options.plausible_kmh = config.behavior.max_speed_kmh;
    ml_options.observed = config.behavior;
    const std::string& clock = config.ml.retrain_clock;
    ml_options.event_clock = clock == "event" || (clock == "auto" && options.replay);
    auto detector = ml::MlDetector::create(config.ml, stages.sanitizer, engine->metrics_.get(),
                                           std::move(ml_options));
    if (!detector) return tl::unexpected(detector.error());
    engine->ml_ = *detector;
  }
  // Behaviour, then ML (docs/ml.md): on one reading of each event when both
  // follow the same entity.
  if (engine->behavior_ && engine->ml_ && config.behavior.entity == config.ml.entity) {
    stages.detectors.push_back(std::make_shared<ml::BehaviorAndMl>(engine->behavior_, engine->ml_));
  } else {
    if (engine->behavior_) stages.detectors.push_back(engine->behavior_);
    if (engine->ml_) stages.detectors.push_back(engine->ml_);
  }
  stages.alerts = engine->alerts_.get();
  stages.metrics = engine->metrics_.get();
  engine->pipeline_ = std::make_unique<Pipeline>(config, std::move(stages), std::move(store));
  return engine;
}

}  // namespace vigil
