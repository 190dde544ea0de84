#include "anomaly/isolation_forest.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "anomaly/forest_fitting.h"

namespace vigil::anomaly {
namespace {

// On the float's bits (exponent all ones: infinity or NaN), which the
// compiler vectorizes; std::isfinite it does not, and on wide rows
// (arrhythmia, 274 features) the check was a fifth of batch scoring.
bool all_finite(std::span<const float> values) {
  constexpr uint32_t kExponent = 0x7f800000u;
  uint32_t not_finite = 0;
  for (const float v : values) not_finite |= (std::bit_cast<uint32_t>(v) & kExponent) == kExponent;
  return not_finite == 0;
}

}  // namespace

Result<IsolationForest> IsolationForest::fit(const FeatureMatrix& x,
                                             const IsolationForestOptions& options) {
  auto plan = plan_fit(x, options);
  if (!plan) return tl::unexpected(plan.error());
  std::vector<double> scores;
  auto trees = grow_trees(x, *plan, options, options.contamination.automatic ? nullptr : &scores);
  if (!trees) return tl::unexpected(trees.error());
  auto forest =
      FlatForest::compile(std::move(*trees), x.cols, plan->max_samples, options.path_length);
  if (!forest) return tl::unexpected(forest.error());
  IsolationForest model(std::move(*forest), kAutoOffset);
  if (!options.contamination.automatic) {
    if (!scores.empty()) {  // the training rows' path-length sums, from growing
      for (double& s : scores) s = model.forest_.score_from_sum(s);
    } else {
      scores.resize(x.rows);
      auto scored = model.score_samples(x, scores);
      if (!scored) return tl::unexpected(scored.error());
    }
    model.offset_ = linear_percentile(scores, 100.0 * options.contamination.fraction);
  }
  return model;
}

Result<IsolationForest> IsolationForest::from_trees(const std::vector<TreeNodes>& trees,
                                                    size_t n_features, uint32_t max_samples,
                                                    double offset, PathLengthFormula formula) {
  if (!std::isfinite(offset)) return make_error(ErrorCode::kInvalidInput, "offset is not finite");
  return with_forest(FlatForest::compile(trees, n_features, max_samples, formula), offset);
}

Result<IsolationForest> IsolationForest::from_trees(std::vector<TreeNodes>&& trees,
                                                    size_t n_features, uint32_t max_samples,
                                                    double offset, PathLengthFormula formula) {
  if (!std::isfinite(offset)) return make_error(ErrorCode::kInvalidInput, "offset is not finite");
  return with_forest(FlatForest::compile(std::move(trees), n_features, max_samples, formula),
                     offset);
}

Result<IsolationForest> IsolationForest::with_forest(Result<FlatForest> forest, double offset) {
  if (!forest) return tl::unexpected(forest.error());
  return IsolationForest(std::move(*forest), offset);
}

Result<void> IsolationForest::check_rows(const FeatureMatrix& x, size_t out_size) const {
  if (x.cols != feature_count()) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("rows have {} features, the forest {}", x.cols, feature_count()));
  }
  if (out_size != x.rows) {
    return make_error(ErrorCode::kInvalidInput, "output size differs from the row count");
  }
  return {};
}

Result<void> IsolationForest::score_samples(const FeatureMatrix& x, std::span<double> out) const {
  auto ok = check_rows(x, out.size());
  if (!ok) return ok;
  // Non-finite values are found while the rows are keyed.
  ok = forest_.path_length_sums(x, out);
  if (!ok) return ok;
  for (double& v : out) v = forest_.score_from_sum(v);
  return {};
}

Result<void> IsolationForest::decision_function(const FeatureMatrix& x,
                                                std::span<double> out) const {
  auto ok = score_samples(x, out);
  if (!ok) return ok;
  for (double& v : out) v = decision_from_score(v);
  return {};
}

Result<void> IsolationForest::predict(const FeatureMatrix& x, std::span<int8_t> out) const {
  std::vector<double> scores(x.rows);
  auto ok = score_samples(x, scores);
  if (!ok) return ok;
  if (out.size() != x.rows) {
    return make_error(ErrorCode::kInvalidInput, "output size differs from the row count");
  }
  std::transform(scores.begin(), scores.end(), out.begin(),
                 [this](double s) { return predict_from_score(s); });
  return {};
}

Result<void> IsolationForest::check_row(std::span<const float> row) const {
  if (row.size() != feature_count()) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("row has {} features, the forest {}",
                                                            row.size(), feature_count()));
  }
  if (!all_finite(row)) {
    return make_error(ErrorCode::kInvalidInput, "features must be finite (no NaN or infinity)");
  }
  return {};
}

Result<double> IsolationForest::score_sample(std::span<const float> row) const {
  if (auto ok = check_row(row); !ok) return tl::unexpected(ok.error());
  return forest_.score_from_sum(forest_.path_length_sum(row.data()));
}

Result<double> IsolationForest::score_sample(std::span<const float> row,
                                             const UnseenValues& unseen) const {
  if (auto ok = check_row(row); !ok) return tl::unexpected(ok.error());
  std::vector<uint32_t> features;
  unseen.unseen_in(row, features);
  // One walk either way: the plain one only when no value is unseen.
  if (features.empty()) return forest_.score_from_sum(forest_.path_length_sum(row.data()));
  const double p = unseen.split_off_chance(features.size());
  return forest_.score_from_sum(forest_.path_length_sum_splitting_off(row.data(), p));
}

Result<Explanation> IsolationForest::explain(std::span<const float> row,
                                             const UnseenValues& unseen) const {
  auto e = explain(row);
  if (!e) return e;
  std::vector<uint32_t> features;
  unseen.unseen_in(row, features);
  if (features.empty()) return e;
  const double trees = static_cast<double>(forest_.tree_count());
  const double p = unseen.split_off_chance(features.size());
  const double expected = forest_.path_length_sum_splitting_off(row.data(), p) / trees;
  // The trees' own splits explain c(ψ) − E[h] as walked; the rest of the
  // shortfall is the unseen values' (shared evenly: each is one way to split off).
  const double extra = (e->expected_path_length - expected) / static_cast<double>(features.size());
  for (auto& c : e->contributions)
    if (std::find(features.begin(), features.end(), c.feature) != features.end())
      c.shortfall += extra;
  e->score = forest_.score_from_sum(expected * trees);
  e->expected_path_length = expected;
  std::stable_sort(e->contributions.begin(), e->contributions.end(),
                   [](const auto& a, const auto& b) { return a.shortfall > b.shortfall; });
  return e;
}

Result<Explanation> IsolationForest::explain(std::span<const float> row) const {
  auto score = score_sample(row);
  if (!score) return tl::unexpected(score.error());
  std::vector<double> per_feature(feature_count(), 0.0);
  forest_.add_shortfall_contributions(row.data(), per_feature);
  Explanation e;
  e.score = *score;
  e.expected_path_length =
      forest_.path_length_sum(row.data()) / static_cast<double>(forest_.tree_count());
  e.average_path_length = forest_.average_path_length();
  e.contributions.reserve(per_feature.size());
  for (size_t f = 0; f < per_feature.size(); ++f) {
    e.contributions.push_back({static_cast<uint32_t>(f), per_feature[f]});
  }
  std::stable_sort(e.contributions.begin(), e.contributions.end(),
                   [](const auto& a, const auto& b) { return a.shortfall > b.shortfall; });
  return e;
}

}  // namespace vigil::anomaly
