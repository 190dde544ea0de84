// The detector's models: `general` and one per event type (up to a cap), each
// a slot holding a reservoir of recent feature rows and the model currently
// in use. Training copies a slot's rows, fits outside every lock, writes the
// model file and swaps the new model in with one atomic store: scoring
// threads see the old model or the new one, never a mixture, and never wait.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "anomaly/isolation_forest.h"
#include "config/config.h"
#include "core/strings.h"
#include "ml/model_file.h"
#include "ml/reservoir.h"
#include "ml/state_files.h"

namespace vigil::ml {

inline constexpr std::string_view kGeneralModel = "general";

struct TrainedModel {
  ModelHeader header;
  anomaly::IsolationForest forest;
  // The features every training row held at one value: a row that differs
  // there is scored as the forest would have had it been among them.
  anomaly::UnseenValues unseen;
  // Every tree is a single leaf: the training rows were all alike. Such a
  // model cannot tell anything apart (and sklearn's arithmetic would flag
  // every row, see src/anomaly/README.md), so it raises no alert.
  bool degenerate = false;

  // −score_samples: 0.5 typical, towards 1 isolated at once.
  double anomaly_score(double score) const { return -score; }
  // The anomaly score past which the contamination share of training rows lie.
  double cut() const { return -forest.offset(); }
};

// Fits a model on `rows` with the configured parameters; the seed depends on
// the configured seed, the model name and the generation.
// The trees as grown are kept only for a model file: beside the compiled
// forest they would hold ~1.3 times its memory again.
enum class GrownTrees { kDrop, kKeepForFile };
struct Fitted {
  std::shared_ptr<const TrainedModel> model;
  std::vector<anomaly::TreeNodes> trees;  // kKeepForFile only; else empty
  uint32_t max_samples = 0;
};
Result<Fitted> fit_model(const ModelHeader& header, const anomaly::FeatureMatrix& rows,
                         const MlConfig& config, GrownTrees grown);

class ModelSlot {
 public:
  ModelSlot(std::string name, const MlConfig& config);

  const std::string& name() const { return name_; }
  void add(std::span<const float> row);
  // The model in use; null before the first training (or load).
  std::shared_ptr<const TrainedModel> model() const {
    return model_.load(std::memory_order_acquire);
  }
  void publish(std::shared_ptr<const TrainedModel> model) {
    model_.store(std::move(model), std::memory_order_release);
  }
  // A copy of the rows when there are at least `min_rows` and, once trained,
  // at least `min_new_rows` entered the reservoir since the last training or
  // one entered a full reservoir with a new value in a feature that every row
  // trained on held at one value;
  // marks them as trained on. Rows offered but not sampled do not count:
  // once the reservoir is full, a uniform sample takes a row with probability
  // size/seen, so the training set, and with it the model, changes ever more
  // slowly, and so do the retrainings (a stable stream retrains at geometric intervals of seen
  // rows, then steadily once past `reservoir_horizon`). A new value of a
  // feature the trained rows held constant is what a forest cannot split on
  // until retrained (the first impossible travel in a reservoir of
  // travel_excess 0), so such a row does not wait for the count.
  std::optional<anomaly::FeatureMatrix> take_training_rows(uint64_t min_rows,
                                                           uint64_t min_new_rows);
  size_t reservoir_rows() const;
  // The reservoir as saved (`seen` = rows offered so far) and back: restored
  // rows count as trained on by the model loaded beside them.
  RowsFile rows_image() const;
  void restore_rows(const RowsFile& file);

 private:
  std::string name_;
  mutable std::mutex mu_;
  Reservoir reservoir_;
  void note_range(const anomaly::FeatureMatrix& rows);
  uint64_t entered_since_fit_ = 0;  // rows that entered the reservoir
  bool new_value_ = false;          // one of them differs where lo_ == hi_
  std::vector<float> lo_, hi_;      // per feature, over the rows trained on
  std::atomic<std::shared_ptr<const TrainedModel>> model_;
};

class ModelBank {
 public:
  // `dir` empty: models live in memory only.
  ModelBank(const MlConfig& config, std::filesystem::path dir);

  // Loads every model file and reservoir file in the directory (another
  // schema or feature count, or an unreadable file, is skipped with a
  // warning). Returns how many models.
  Result<size_t> load();
  // Writes every non-empty reservoir (at shutdown; each training also writes
  // the rows it trained on). Returns how many were written.
  size_t save_reservoirs() const;

  ModelSlot& general() { return *general_; }
  // The slot of an event type, created on first sight while under the cap;
  // null when per-event-type models are off, the type is unusable as a name
  // or the cap is reached.
  ModelSlot* for_event_type(std::string_view type);
  // The slot named `name` ("general" or an event type), or null.
  const ModelSlot* find(std::string_view name) const;

  // Fits every slot with enough new rows, saves and swaps the models in.
  // Returns how many models were swapped in. `now` (seconds, wall-clock or
  // event time) is the training time written in the model file.
  size_t retrain(int64_t now);
  // Models swapped in by retrain() since start-up.
  uint64_t trainings() const { return trainings_.load(std::memory_order_relaxed); }

 private:
  void load_rows(const std::filesystem::path& file);
  void save_rows(const ModelSlot& slot, const RowsFile& image) const;
  const MlConfig config_;
  const std::filesystem::path dir_;
  std::unique_ptr<ModelSlot> general_;
  mutable std::shared_mutex types_mu_;
  // Looked up by the event's view of its type (no copy an event). Every name
  // in it passed valid_model_name when it was added.
  std::unordered_map<std::string, std::unique_ptr<ModelSlot>, StringHash, std::equal_to<>> types_;
  std::mutex retrain_mu_;  // one training pass at a time
  std::atomic<uint64_t> trainings_{0};
};

}  // namespace vigil::ml
