#include "ml/model_bank.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "anomaly/forest_fitting.h"
#include "ml/features.h"

namespace vigil::ml {
namespace {

bool single_leaves(const anomaly::FlatForest& f) {
  return f.node_count() == f.tree_count();
}

// Read without holding on to the model in use, so retrain does not keep the
// old model alive past the swap (scorers may, for the row they score).
uint64_t next_generation(const ModelSlot& slot) {
  const auto previous = slot.model();
  return previous ? previous->header.generation + 1 : 1;
}

std::shared_ptr<const TrainedModel> make_model(ModelHeader header, anomaly::IsolationForest f,
                                               anomaly::UnseenValues unseen) {
  const bool degenerate = single_leaves(f.forest());
  return std::make_shared<const TrainedModel>(
      TrainedModel{std::move(header), std::move(f), std::move(unseen), degenerate});
}

// The forest of `trees` at the automatic offset; `trees` is left empty unless kept.
Result<anomaly::IsolationForest> compile(std::vector<anomaly::TreeNodes>& trees, GrownTrees grown,
                                         size_t cols, uint32_t max_samples,
                                         const anomaly::IsolationForestOptions& options) {
  if (grown == GrownTrees::kKeepForFile)
    return anomaly::IsolationForest::from_trees(trees, cols, max_samples, anomaly::kAutoOffset,
                                                options.path_length);
  return anomaly::IsolationForest::from_trees(std::move(trees), cols, max_samples,
                                              anomaly::kAutoOffset, options.path_length);
}

}  // namespace

Result<Fitted> fit_model(const ModelHeader& header, const anomaly::FeatureMatrix& rows,
                         const MlConfig& config, GrownTrees grown) {
  anomaly::IsolationForestOptions options;
  options.n_estimators = static_cast<uint32_t>(config.n_estimators);
  options.max_samples = anomaly::MaxSamples::count(static_cast<uint32_t>(config.max_samples));
  options.contamination = anomaly::Contamination::share(config.contamination);
  options.seed = config.seed ^ XXH3_64bits(header.name.data(), header.name.size()) ^
                 (header.generation * 0x9E3779B97F4A7C15ull);
  // The steps of IsolationForest::fit, kept apart because the model file
  // needs the trees as grown.
  auto plan = anomaly::plan_fit(rows, options);
  if (!plan) return tl::unexpected(plan.error());
  std::vector<double> scores;
  auto trees = anomaly::grow_trees(rows, *plan, options, &scores);
  if (!trees) return tl::unexpected(trees.error());
  auto unscaled = compile(*trees, grown, rows.cols, plan->max_samples, options);
  if (!unscaled) return tl::unexpected(unscaled.error());
  if (!scores.empty()) {  // the training rows' path-length sums, from growing
    for (double& s : scores) s = unscaled->forest().score_from_sum(s);
  } else {
    scores.resize(rows.rows);
    if (auto r = unscaled->score_samples(rows, scores); !r) return tl::unexpected(r.error());
  }
  const double offset = anomaly::linear_percentile(scores, 100.0 * options.contamination.fraction);
  if (!std::isfinite(offset)) return make_error(ErrorCode::kInvalidInput, "offset is not finite");
  auto forest = std::move(*unscaled).with_offset(offset);
  return Fitted{
      make_model(header, std::move(forest), anomaly::UnseenValues::of_training_rows(rows)),
      std::move(*trees), plan->max_samples};
}

ModelSlot::ModelSlot(std::string name, const MlConfig& config)
    : name_(std::move(name)),
      reservoir_(config.reservoir_size, kFeatureCount, config.reservoir_horizon,
                 config.seed ^ XXH3_64bits(name_.data(), name_.size())) {}

void ModelSlot::add(std::span<const float> row) {
  std::lock_guard lock(mu_);
  if (!reservoir_.add(row)) return;
  ++entered_since_fit_;
  // While the reservoir fills every row enters, and the count alone retrains
  // every `retrain_min_new_rows` rows; a small sample's range is narrow, so
  // the range would retrain at almost every pass.
  if (new_value_ || lo_.empty() || reservoir_.size() < reservoir_.capacity()) return;
  // Only a feature every trained row held at one value: extending a varying
  // feature's range a little (a new largest volume) changes the forest
  // little, and was most of the retrainings (316 of 504 in a 1 M-event day).
  bool fresh = false;
  for (size_t f = 0; f < row.size(); ++f) fresh |= lo_[f] == hi_[f] && row[f] != lo_[f];
  new_value_ = fresh;
}

void ModelSlot::note_range(const anomaly::FeatureMatrix& rows) {
  lo_.assign(rows.cols, 0.0f);
  hi_.assign(rows.cols, 0.0f);
  if (rows.rows > 0) {
    std::copy_n(rows.row_data(0), rows.cols, lo_.begin());
    std::copy_n(rows.row_data(0), rows.cols, hi_.begin());
  }
  for (size_t r = 1; r < rows.rows; ++r) {
    const float* row = rows.row_data(r);
    for (size_t f = 0; f < rows.cols; ++f) {
      lo_[f] = std::min(lo_[f], row[f]);
      hi_[f] = std::max(hi_[f], row[f]);
    }
  }
  entered_since_fit_ = 0;
  new_value_ = false;
}

std::optional<anomaly::FeatureMatrix> ModelSlot::take_training_rows(uint64_t min_rows,
                                                                    uint64_t min_new_rows) {
  // Without a model any new row is reason enough; a model is replaced only
  // once enough has changed.
  const uint64_t needed = model() ? min_new_rows : 1;
  std::lock_guard lock(mu_);
  if (reservoir_.size() < min_rows) return std::nullopt;
  if (entered_since_fit_ < needed && !new_value_) return std::nullopt;
  spdlog::debug("ml: {} retrains: {} rows entered{}", name_, entered_since_fit_,
                new_value_ ? ", one with a value new to a held feature" : "");
  auto rows = reservoir_.snapshot();
  note_range(rows);
  return rows;
}

size_t ModelSlot::reservoir_rows() const {
  std::lock_guard lock(mu_);
  return reservoir_.size();
}

RowsFile ModelSlot::rows_image() const {
  std::lock_guard lock(mu_);
  return RowsFile{name_, kFeatureSchema, reservoir_.snapshot(), reservoir_.seen()};
}

void ModelSlot::restore_rows(const RowsFile& file) {
  std::lock_guard lock(mu_);
  reservoir_.restore(file.rows, file.seen);
  note_range(reservoir_.snapshot());
}

ModelBank::ModelBank(const MlConfig& config, std::filesystem::path dir)
    : config_(config),
      dir_(std::move(dir)),
      general_(std::make_unique<ModelSlot>(std::string(kGeneralModel), config)) {}

Result<size_t> ModelBank::load() {
  if (dir_.empty()) return size_t{0};
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    return make_error(ErrorCode::kIo,
                      fmt::format("cannot create {}: {}", dir_.string(), ec.message()));
  size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() == ".rows") load_rows(entry.path());
    if (entry.path().extension() != ".forest") continue;
    auto file = read_model_file(entry.path());
    if (!file) {
      spdlog::warn("ml: model skipped: {}", file.error().message);
      continue;
    }
    if (file->header.schema != kFeatureSchema || file->forest.feature_count() != kFeatureCount) {
      spdlog::warn("ml: {} was trained on another feature schema; skipped until retrained",
                   entry.path().string());
      continue;
    }
    const std::string name = file->header.name;
    ModelSlot* slot = name == kGeneralModel ? general_.get() : for_event_type(name);
    if (slot == nullptr) continue;
    slot->publish(
        make_model(std::move(file->header), std::move(file->forest), std::move(file->unseen)));
    ++loaded;
  }
  if (ec)
    return make_error(ErrorCode::kIo,
                      fmt::format("cannot list {}: {}", dir_.string(), ec.message()));
  return loaded;
}

void ModelBank::load_rows(const std::filesystem::path& file) {
  auto rows = read_rows_file(file);
  if (!rows) {
    spdlog::warn("ml: reservoir skipped: {}", rows.error().message);
    return;
  }
  if (rows->schema != kFeatureSchema || rows->rows.cols != kFeatureCount) {
    spdlog::warn("ml: {} holds rows of another feature schema; skipped", file.string());
    return;
  }
  ModelSlot* slot = rows->model == kGeneralModel ? general_.get() : for_event_type(rows->model);
  if (slot != nullptr) slot->restore_rows(*rows);
}

void ModelBank::save_rows(const ModelSlot& slot, const RowsFile& image) const {
  if (dir_.empty() || image.rows.rows == 0) return;
  if (auto r = write_rows_file(dir_ / rows_file_name(slot.name()), image); !r)
    spdlog::error("ml: the {} reservoir was not saved: {}", slot.name(), r.error().message);
}

size_t ModelBank::save_reservoirs() const {
  if (dir_.empty()) return 0;
  std::vector<const ModelSlot*> slots{general_.get()};
  {
    std::shared_lock lock(types_mu_);
    for (const auto& [name, slot] : types_) slots.push_back(slot.get());
  }
  size_t written = 0;
  for (const ModelSlot* slot : slots) {
    RowsFile image = slot->rows_image();
    if (image.rows.rows == 0) continue;
    save_rows(*slot, image);
    ++written;
  }
  return written;
}

ModelSlot* ModelBank::for_event_type(std::string_view type) {
  if (!config_.per_event_type || type == kGeneralModel) return nullptr;
  {
    std::shared_lock lock(types_mu_);
    if (auto it = types_.find(type); it != types_.end()) return it->second.get();
    if (types_.size() >= static_cast<size_t>(config_.max_event_types)) return nullptr;
  }
  // Checked once per new type, not per event: a name in types_ passed.
  if (!valid_model_name(type)) return nullptr;
  std::unique_lock lock(types_mu_);
  if (auto it = types_.find(type); it != types_.end()) return it->second.get();
  if (types_.size() >= static_cast<size_t>(config_.max_event_types)) return nullptr;
  auto& slot = types_[std::string(type)];
  slot = std::make_unique<ModelSlot>(std::string(type), config_);
  return slot.get();
}

const ModelSlot* ModelBank::find(std::string_view name) const {
  if (name == kGeneralModel) return general_.get();
  std::shared_lock lock(types_mu_);
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

size_t ModelBank::retrain(int64_t now) {
  std::lock_guard pass(retrain_mu_);
  std::vector<ModelSlot*> slots{general_.get()};
  {
    std::shared_lock lock(types_mu_);
    for (auto& [name, slot] : types_) slots.push_back(slot.get());
  }
  size_t swapped = 0;
  for (ModelSlot* slot : slots) {
    auto rows = slot->take_training_rows(config_.min_training_rows, config_.retrain_min_new_rows);
    if (!rows) continue;
    ModelHeader header{slot->name(), kFeatureSchema, rows->rows, now, next_generation(*slot)};
    auto fitted = fit_model(header, *rows, config_,
                            dir_.empty() ? GrownTrees::kDrop : GrownTrees::kKeepForFile);
    if (!fitted) {
      spdlog::error("ml: training the {} model failed: {}", slot->name(), fitted.error().message);
      continue;
    }
    if (fitted->model->degenerate)
      spdlog::warn("ml: the {} model's {} training rows are all alike; it raises no alerts",
                   slot->name(), rows->rows);
    if (!dir_.empty()) {
      auto saved = write_model_file(dir_ / model_file_name(slot->name()), header, fitted->trees,
                                    kFeatureCount, fitted->max_samples,
                                    fitted->model->forest.offset(), fitted->model->unseen);
      if (!saved)
        spdlog::error("ml: the {} model was not saved: {}", slot->name(), saved.error().message);
    }
    // Counted before the swap, so whoever sees the new model sees it counted.
    trainings_.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("ml: {} model generation {} trained on {} rows", slot->name(), header.generation,
                  rows->rows);
    slot->publish(std::move(fitted->model));
    if (!dir_.empty()) save_rows(*slot, slot->rows_image());  // (the image is a copy)
    ++swapped;
  }
  return swapped;
}

}  // namespace vigil::ml
