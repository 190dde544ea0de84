// The Isolation Forest detector of the detect stage. For each event it reads
// the features (ml/features.h, with the entity's history), adds the row to
// the `general` model's reservoir and to its event type's, and scores it
// through both models; an event past a model's contamination cut and the
// configured minimum anomaly score raises an alert (rule_name `ml_anomaly`
// for the general model, `ml_anomaly_<event type>` for a type's) whose
// severity follows the score and whose description says in words which
// features drove it. Models train in a background thread, never on the hot
// path, and are swapped in atomically; none alerts before its first
// training, nor when trained on constant data.
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
  };

  // Loads the stored models (so a restart scores at once) and starts the
  // retraining thread.
  static Result<std::shared_ptr<MlDetector>> create(const MlConfig& config,
                                                    std::shared_ptr<const Sanitizer> sanitizer,
                                                    VigilMetrics* metrics, Options options);
  ~MlDetector() override;

  std::string_view name() const override { return "ml"; }
  void on_event(Event& event, AlertSink& alerts) override;

  // One training pass now, in the caller's thread (what the background
  // thread runs on its schedule). Returns the models swapped in.
  size_t retrain_now();
  // The model in use ("general" or an event type); null before training.
  std::shared_ptr<const TrainedModel> model(std::string_view name) const;
  size_t tracked_entities() const { return entities_.size(); }
  uint64_t trainings() const { return trainings_.load(std::memory_order_relaxed); }

 private:
  MlDetector(const MlConfig& config, std::shared_ptr<const Sanitizer> sanitizer,
             VigilMetrics* metrics, Options options);
  void score_with(const ModelSlot& slot, const Event& event, const EventFacts& facts,
                  const FeatureRow& row, const HistoryView& history,
                  std::vector<Alert>& raised) const;
  Alert make_alert(const Event& event, const EventFacts& facts, const FeatureRow& row,
                   const HistoryView& history, const TrainedModel& model, double score) const;
  Severity severity_of(double anomaly_score) const;
  void retrain_loop();

  const MlConfig config_;
  std::shared_ptr<const Sanitizer> sanitizer_;
  VigilMetrics* metrics_;
  const Options options_;
  FactReader reader_;
  EntityTable entities_;
  ModelBank bank_;
  std::atomic<uint64_t> trainings_{0};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread retrainer_;
};

}  // namespace vigil::ml
