#include "ml/ml_detector.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ml/explanation_words.h"

namespace vigil::ml {
namespace {

std::string_view entity_word(std::string_view entity) {
  return entity == "source_ip" ? "source IP" : entity;
}

int64_t wall_clock_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::shared_ptr<MlDetector>> MlDetector::create(const MlConfig& config,
                                                       std::shared_ptr<const Sanitizer> sanitizer,
                                                       VigilMetrics* metrics, Options options) {
  auto mask = FeatureMask::from_names(config.model_features);
  if (!mask) return tl::unexpected(mask.error());
  std::shared_ptr<MlDetector> d(
      new MlDetector(config, *mask, std::move(sanitizer), metrics, std::move(options)));
  auto loaded = d->bank_.load();
  if (!loaded) return tl::unexpected(loaded.error());
  if (!d->options_.model_dir.empty()) {
    spdlog::info("ml: {} models loaded from {}", *loaded, d->options_.model_dir.string());
    const auto entities = d->options_.model_dir / kEntitiesFile;
    if (std::filesystem::exists(entities)) {
      // A damaged file costs the histories, not the start.
      if (auto n = d->entities_.load(entities); n)
        spdlog::info("ml: {} entity histories loaded", *n);
      else
        spdlog::warn("ml: entity histories skipped: {}", n.error().message);
    }
  }
  if (d->options_.background && !d->options_.event_clock)
    d->retrainer_ = std::thread([raw = d.get()] { raw->retrain_loop(); });
  return d;
}

MlDetector::MlDetector(const MlConfig& config, FeatureMask mask,
                       std::shared_ptr<const Sanitizer> sanitizer, VigilMetrics* metrics,
                       Options options)
    : config_(config),
      sanitizer_(std::move(sanitizer)),
      metrics_(metrics),
      options_(std::move(options)),
      mask_(mask),
      reader_(config, options_.devices, options_.observed),
      entities_(config.max_entities,
                EntityHistory::Limits{static_cast<size_t>(config.max_values),
                                      static_cast<uint64_t>(config.novelty_min_events),
                                      config.rate_half_life_s, options_.plausible_kmh},
                // Saved histories are known by pseudonym only.
                options_.model_dir.empty()
                    ? EntityTable::Pseudonymizer{}
                    : EntityTable::Pseudonymizer(
                          [s = sanitizer_](std::string_view v) { return s->pseudonymize(v); })),
      bank_(config, options_.model_dir) {}

MlDetector::~MlDetector() {
  if (retrainer_.joinable()) {
    {
      std::lock_guard lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    retrainer_.join();
  }
  save_state();
}

void MlDetector::save_state() const {
  if (options_.model_dir.empty()) return;
  const size_t reservoirs = bank_.save_reservoirs();
  auto entities = entities_.save(options_.model_dir / kEntitiesFile);
  if (!entities)
    spdlog::error("ml: entity histories not saved: {}", entities.error().message);
  else
    spdlog::info("ml: {} reservoirs and {} entity histories saved", reservoirs, *entities);
}

void MlDetector::retrain_loop() {
  const auto interval = std::chrono::duration<double>(config_.retrain_interval_s);
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, interval, [&] { return stopping_; })) {
    lock.unlock();
    retrain_now();
    lock.lock();
  }
}

size_t MlDetector::retrain_now() {
  return bank_.retrain(wall_clock_s());
}

std::shared_ptr<const TrainedModel> MlDetector::model(std::string_view name) const {
  const ModelSlot* slot = bank_.find(name);
  return slot ? slot->model() : nullptr;
}

void MlDetector::retrain_on_event_time(int64_t time_s) {
  if (time_s < next_training_s_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(event_clock_mu_);
  const int64_t due = next_training_s_.load(std::memory_order_relaxed);
  if (time_s < due) return;  // another thread ran this pass
  const auto interval = static_cast<int64_t>(std::ceil(config_.retrain_interval_s));
  // The first event starts the clock; a late (out-of-order) event never
  // triggers a pass, and a gap in the events causes one pass, not a backlog.
  if (due != INT64_MIN) bank_.retrain(time_s);
  next_training_s_.store(time_s + interval, std::memory_order_release);
}

void MlDetector::on_event(Event& event, AlertSink& alerts) {
  if (auto facts = reader_.read(event)) on_facts(event, *facts, alerts);
}

void MlDetector::on_observation(Event& event, behavior::Observation o,
                                const behavior::EventFields& fields, AlertSink& alerts) {
  on_facts(event, reader_.read(std::move(o), fields), alerts);
}

void MlDetector::on_facts(Event& event, const EventFacts& facts, AlertSink& alerts) {
  if (options_.event_clock) retrain_on_event_time(facts.observation.time_s);
  FeatureRow row{};
  fill_event_features(facts, row);
  const HistoryView history = entities_.observe(facts, row);

  const FeatureRow model_row = mask_.apply(row);
  ModelSlot& general = bank_.general();
  ModelSlot* typed = bank_.for_event_type(facts.observation.event_type);
  general.add(model_row);
  if (typed) typed->add(model_row);
  const bool learning = history.events + 1 < options_.learning_min_events ||
                        static_cast<double>(facts.observation.time_s - history.first_seen_s) <
                            options_.learning_min_days * 86400.0;
  if (learning) return;

  std::vector<Alert> raised;
  score_with(general, event, facts, row, model_row, history, raised);
  if (typed) score_with(*typed, event, facts, row, model_row, history, raised);
  for (Alert& a : raised) {
    event.severity = std::max(event.severity, a.severity);
    if (metrics_) metrics_->record_anomaly(a.rule);
    alerts.emit(std::move(a));
  }
}

void MlDetector::score_with(const ModelSlot& slot, const Event& event, const EventFacts& facts,
                            const FeatureRow& row, const FeatureRow& model_row,
                            const HistoryView& history, std::vector<Alert>& raised) const {
  const auto model = slot.model();
  if (!model || model->degenerate) return;
  auto score = model->forest.score_sample(model_row, model->unseen);
  if (!score) return;  // features are finite by construction; a bug would land here
  if (model->forest.predict_from_score(*score) >= 0) return;
  if (model->anomaly_score(*score) < config_.severity.low) return;
  raised.push_back(make_alert(event, facts, row, model_row, history, *model, *score));
}

Severity MlDetector::severity_of(double s) const {
  const auto& t = config_.severity;
  if (s >= t.critical) return Severity::kCritical;
  if (s >= t.high) return Severity::kHigh;
  if (s >= t.medium) return Severity::kMedium;
  return Severity::kLow;
}

Alert MlDetector::make_alert(const Event& event, const EventFacts& facts, const FeatureRow& row,
                             const FeatureRow& model_row, const HistoryView& history,
                             const TrainedModel& model, double score) const {
  const std::string& name = model.header.name;
  const bool general = name == kGeneralModel;
  const double anomaly = model.anomaly_score(score);
  const std::string_view who = entity_word(config_.entity);
  const std::string pseudonym = sanitizer_->pseudonymize(facts.observation.entity);

  std::vector<Driver> top;
  std::string raw_explanation;
  if (auto e = model.forest.explain(model_row, model.unseen)) {
    top = drivers(*e, row, facts, history, who);
    raw_explanation = anomaly::describe(*e, row, feature_names());
  }
  Alert a;
  a.rule = general ? "ml_anomaly" : "ml_anomaly_" + name;
  a.rule_id = "vigil-ml-" + name;
  a.title = general ? "Anomalous event (Isolation Forest, general model)"
                    : fmt::format("Anomalous {} (Isolation Forest, {} model)", name, name);
  a.severity = severity_of(anomaly);
  a.confidence = std::clamp(anomaly, 0.0, 1.0);
  a.description =
      fmt::format("Unusual event for {} {} ({} model, anomaly score {:.2f}, cut {:.2f})", who,
                  pseudonym, name, anomaly, model.cut());
  if (!top.empty()) a.description += ": " + join_drivers(top);
  a.time = event.time;
  a.tags = {"ml", "anomaly"};
  a.detector = DetectorKind::kMl;
  a.author = "vigil ml";
  a.events.push_back(event.doc);

  Object features;
  for (uint32_t f = 0; f < kFeatureCount; ++f)
    features.emplace_back(feature_names()[f], static_cast<double>(row[f]));
  Array driven;
  for (const Driver& d : top)
    driven.push_back(Object{{"feature", d.feature}, {"share", d.share}, {"words", d.words}});
  a.context = Object{{"model", name},
                     {"anomaly_score", anomaly},
                     {"cut", model.cut()},
                     {"training_rows", model.header.rows},
                     {"generation", model.header.generation},
                     {"entity_type", config_.entity},
                     {"entity", pseudonym},
                     {"drivers", std::move(driven)},
                     {"explanation", raw_explanation},
                     {"features", std::move(features)}};
  return a;
}

}  // namespace vigil::ml
