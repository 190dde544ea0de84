// The Isolation Forest detector of the detect stage. For each event it reads
// the features (ml/features.h, with the entity's history), adds the row to
// the `general` model's reservoir and to its event type's, and scores it
// through both models; an event past a model's contamination cut and the
// configured minimum anomaly score raises an alert (rule_name `ml_anomaly`
// for the general model, `ml_anomaly_<event type>` for a type's) whose
// severity follows the score and whose description says in words which
// features drove it. Models train in a background thread on the wall clock,
// never on the hot path, and are swapped in atomically; or, on the event
// clock (replay), in the stream whenever event time passes the next training
// time, so the same events in the same order give the same alerts. None
// alerts before its first training, nor when trained on constant data.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "config/config.h"
#include "detect/detector.h"
#include "metrics/vigil_metrics.h"
#include "ml/entity_history.h"
#include "ml/features.h"
#include "ml/model_bank.h"
#include "sanitize/sanitizer.h"

namespace vigil::ml {

class MlDetector : public Detector {
 public:
  struct Options {
    // Where model files live (<data_dir>/ml); empty: in memory only.
    std::filesystem::path model_dir{};
    // Retrain every config.retrain_interval_s in a thread. Off: only
    // retrain_now() trains (tests, benchmarks).
    bool background = true;
    // Train on event time instead: when an event's time is retrain_interval_s
    // past the last training, a pass runs in the calling thread before the
    // event is scored. No background thread. Deterministic for one stream.
    bool event_clock = false;
    // User agents to browser/OS families for the new_device feature; null:
    // devices only from device ids.
    std::shared_ptr<const behavior::DeviceParser> devices{};
    // Learning period: no alert for an entity before it has this many events
    // spanning this many days (the engine passes behavior.min_events and
    // behavior.min_days: one notion of "too new to judge" for both
    // detectors). Its events still train the models.
    uint64_t learning_min_events = 0;
    double learning_min_days = 0;
    // Travel faster than this is implausible (behavior.max_speed_kmh).
    double plausible_kmh = 1000;
    // The device and user-agent fields (behavior:'s, so that both detectors
    // read an event alike and can share one reading).
    BehaviorConfig observed{};
  };

  // Loads the stored models (so a restart scores at once), reservoirs and
  // entity histories, and starts the retraining thread. At destruction the
  // reservoirs and entity histories are saved beside the models.
  static Result<std::shared_ptr<MlDetector>> create(const MlConfig& config,
                                                    std::shared_ptr<const Sanitizer> sanitizer,
                                                    VigilMetrics* metrics, Options options);
  ~MlDetector() override;

  std::string_view name() const override { return "ml"; }
  void on_event(Event& event, AlertSink& alerts) override;
  // The same with the event already read (ml::BehaviorAndMl) through
  // `fields` = reader().fields_of(event.doc).
  void on_observation(Event& event, behavior::Observation o, const behavior::EventFields& fields,
                      AlertSink& alerts);
  // Reads the paths of both detectors when its config is behavior:'s
  // (Options::observed, the same entity and user-agent parser).
  const FactReader& reader() const { return reader_; }
  // Starts loading an entity's history by its XXH3-64 (EntityTable's key).
  // Not Detector's hint: alone this detector may follow another entity
  // (ml.entity) than the router's (behavior.entity); BehaviorAndMl, which
  // runs only when both follow the same one, passes the hint on.
  void prefetch_entity(uint64_t entity_hash) const { entities_.prefetch(entity_hash); }

  // One training pass now, in the caller's thread (what the background
  // thread runs on its schedule). Returns the models swapped in.
  size_t retrain_now();
  // The model in use ("general" or an event type); null before training.
  std::shared_ptr<const TrainedModel> model(std::string_view name) const;
  size_t tracked_entities() const { return entities_.size(); }
  // Histories loaded from disk whose entity has not shown up yet.
  size_t dormant_entities() const { return entities_.dormant(); }
  size_t reservoir_rows(std::string_view model) const {
    const ModelSlot* slot = bank_.find(model);
    return slot ? slot->reservoir_rows() : 0;
  }
  uint64_t trainings() const { return bank_.trainings(); }

 private:
  MlDetector(const MlConfig& config, FeatureMask mask, std::shared_ptr<const Sanitizer> sanitizer,
             VigilMetrics* metrics, Options options);
  // `model_row` is what the models see (ml.model_features), `row` every
  // feature (context and words).
  void on_facts(Event& event, const EventFacts& facts, AlertSink& alerts);
  void score_with(const ModelSlot& slot, const Event& event, const EventFacts& facts,
                  const FeatureRow& row, const FeatureRow& model_row, const HistoryView& history,
                  std::vector<Alert>& raised) const;
  Alert make_alert(const Event& event, const EventFacts& facts, const FeatureRow& row,
                   const FeatureRow& model_row, const HistoryView& history,
                   const TrainedModel& model, double score) const;
  Severity severity_of(double anomaly_score) const;
  void retrain_loop();
  void save_state() const;
  void retrain_on_event_time(int64_t time_s);

  const MlConfig config_;
  std::shared_ptr<const Sanitizer> sanitizer_;
  VigilMetrics* metrics_;
  const Options options_;
  const FeatureMask mask_;
  FactReader reader_;
  EntityTable entities_;
  ModelBank bank_;
  // Event clock: the event time at or after which the next pass runs
  // (INT64_MIN until the first event sets the clock).
  std::atomic<int64_t> next_training_s_{INT64_MIN};
  std::mutex event_clock_mu_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread retrainer_;
};

}  // namespace vigil::ml
