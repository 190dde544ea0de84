// An Isolation Forest with scikit-learn 1.2.1's semantics (see
// ../shared/data/anomaly/README.md): float32 features, `<=` goes left,
// sklearn's c(n), score_samples = −2^(−E[h(x)]/c(ψ)), decision_function =
// score − offset, predict = −1 where decision_function < 0.
// Immutable once built: share one instance between threads and swap a pointer
// to retrain.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "anomaly/explanation.h"
#include "anomaly/feature_matrix.h"
#include "anomaly/flat_forest.h"
#include "anomaly/options.h"
#include "anomaly/unseen_values.h"
#include "core/error.h"

namespace vigil::anomaly {

inline constexpr double kAutoOffset = -0.5;

class IsolationForest {
 public:
  // Grows the trees on `x` (rows with NaN or infinity are invalid input).
  static Result<IsolationForest> fit(const FeatureMatrix& x, const IsolationForestOptions& options);
  // A forest grown elsewhere (e.g. loaded from scikit-learn's export).
  static Result<IsolationForest> from_trees(const std::vector<TreeNodes>& trees, size_t n_features,
                                            uint32_t max_samples, double offset,
                                            PathLengthFormula formula);
  // The same, freeing the trees as they are compiled (FlatForest::compile).
  static Result<IsolationForest> from_trees(std::vector<TreeNodes>&& trees, size_t n_features,
                                            uint32_t max_samples, double offset,
                                            PathLengthFormula formula);

  // The same trees with another offset: the contamination cut, set once the
  // training rows were scored (without compiling the trees twice).
  IsolationForest with_offset(double offset) && {
    return IsolationForest(std::move(forest_), offset);
  }

  size_t feature_count() const { return forest_.feature_count(); }
  double offset() const { return offset_; }
  const FlatForest& forest() const { return forest_; }

  // Lower = more anomalous, in [−1, 0). `out` has x.rows entries.
  Result<void> score_samples(const FeatureMatrix& x, std::span<double> out) const;
  Result<void> decision_function(const FeatureMatrix& x, std::span<double> out) const;
  Result<void> predict(const FeatureMatrix& x, std::span<int8_t> out) const;  // −1 / +1
  // One row: the per-event path (no allocation).
  Result<double> score_sample(std::span<const float> row) const;

  double decision_from_score(double score) const { return score - offset_; }
  int8_t predict_from_score(double score) const {
    return decision_from_score(score) < 0.0 ? int8_t{-1} : int8_t{1};
  }

  Result<Explanation> explain(std::span<const float> row) const;

  // The same with the values the training rows held (anomaly/unseen_values.h):
  // a row that differs on a held feature is split off along its path with the
  // chance the grower would have had to split it off; the shortfall that adds
  // is credited to those features in the explanation. Other rows score as above.
  Result<double> score_sample(std::span<const float> row, const UnseenValues& unseen) const;
  Result<Explanation> explain(std::span<const float> row, const UnseenValues& unseen) const;

 private:
  IsolationForest(FlatForest forest, double offset) : forest_(std::move(forest)), offset_(offset) {}
  static Result<IsolationForest> with_forest(Result<FlatForest> forest, double offset);
  Result<void> check_rows(const FeatureMatrix& x, size_t out_size) const;
  Result<void> check_row(std::span<const float> row) const;

  FlatForest forest_;
  double offset_ = kAutoOffset;
};

}  // namespace vigil::anomaly
