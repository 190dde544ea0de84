#include "anomaly/forest_fitting.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "anomaly/sampling.h"
#include "anomaly/tree_grower.h"

namespace vigil::anomaly {
namespace {

constexpr uint32_t kAutoMaxSamples = 256;

Result<uint32_t> resolve_max_samples(const MaxSamples& m, size_t rows) {
  switch (m.kind) {
    case MaxSamples::Kind::kAuto:
      return static_cast<uint32_t>(std::min<size_t>(kAutoMaxSamples, rows));
    case MaxSamples::Kind::kCount:
      if (m.value < 1) return make_error(ErrorCode::kConfig, "max_samples must be >= 1");
      return static_cast<uint32_t>(std::min<double>(m.value, static_cast<double>(rows)));
    case MaxSamples::Kind::kFraction: {
      if (!(m.value > 0.0 && m.value <= 1.0)) {
        return make_error(ErrorCode::kConfig, "max_samples as a fraction must be in (0, 1]");
      }
      const auto n = static_cast<uint32_t>(m.value * static_cast<double>(rows));
      if (n == 0) return make_error(ErrorCode::kConfig, "max_samples fraction selects no rows");
      return n;
    }
  }
  return make_error(ErrorCode::kConfig, "unknown max_samples kind");
}

Result<uint32_t> resolve_max_features(const MaxFeatures& m, size_t cols) {
  double n = m.value;
  if (m.kind == MaxFeatures::Kind::kFraction) {
    if (!(m.value > 0.0 && m.value <= 1.0)) {
      return make_error(ErrorCode::kConfig, "max_features as a fraction must be in (0, 1]");
    }
    n = std::max(1.0, std::floor(m.value * static_cast<double>(cols)));
  }
  if (n < 1 || n > static_cast<double>(cols)) {
    return make_error(ErrorCode::kConfig,
                      fmt::format("max_features must be in [1, {}] (the feature count)", cols));
  }
  return static_cast<uint32_t>(n);
}

}  // namespace

Result<FitPlan> plan_fit(const FeatureMatrix& x, const IsolationForestOptions& options) {
  if (x.rows == 0 || x.cols == 0) return make_error(ErrorCode::kInvalidInput, "no training data");
  if (x.values.size() != x.rows * x.cols) {
    return make_error(ErrorCode::kInvalidInput, "matrix size differs from rows × cols");
  }
  if (options.n_estimators == 0) return make_error(ErrorCode::kConfig, "n_estimators must be >= 1");
  const auto& c = options.contamination;
  if (!c.automatic && !(c.fraction > 0.0 && c.fraction <= 0.5)) {
    return make_error(ErrorCode::kConfig, "contamination must be auto or in (0, 0.5]");
  }
  FitPlan plan;
  auto samples = resolve_max_samples(options.max_samples, x.rows);
  if (!samples) return tl::unexpected(samples.error());
  auto features = resolve_max_features(options.max_features, x.cols);
  if (!features) return tl::unexpected(features.error());
  plan.max_samples = *samples;
  plan.max_features = *features;
  plan.max_depth = static_cast<uint32_t>(std::bit_width(std::max(plan.max_samples, 2u) - 1));
  return plan;
}

Result<std::vector<TreeNodes>> grow_trees(const FeatureMatrix& x, const FitPlan& plan,
                                          const IsolationForestOptions& options,
                                          std::vector<double>* path_sums) {
  std::vector<TreeNodes> trees;
  trees.reserve(options.n_estimators);
  TreeSample sample;
  sample.x = &x;
  // When every tree reads every row (ψ = n, as the ML detector trains), one
  // transposed copy serves them all; else trees read x in place, so the fit
  // does not grow with n (tree_grower.h).
  std::vector<float> columns;
  if (plan.max_samples == x.rows) {
    auto transposed = transpose(x);
    if (!transposed) return tl::unexpected(transposed.error());
    columns = std::move(*transposed);
    sample.columns = columns.data();
  }
  if (path_sums != nullptr) {
    path_sums->clear();
    if (plan.max_samples == x.rows && !options.bootstrap) {
      path_sums->assign(x.rows, 0.0);
      sample.path_sums = path_sums->data();
      sample.formula = options.path_length;
    }
  }
  for (uint32_t t = 0; t < options.n_estimators; ++t) {
    Random rng(options.seed, t);
    sample.features = sample_indices(x.cols, plan.max_features, false, rng);
    std::sort(sample.features.begin(), sample.features.end());
    sample.rows = sample_indices(x.rows, plan.max_samples, options.bootstrap, rng);
    auto tree = grow_isolation_tree(sample, plan.max_depth, rng);
    if (!tree) return tl::unexpected(tree.error());
    trees.push_back(std::move(*tree));
  }
  return trees;
}

double linear_percentile(std::span<const double> values, double q) {
  if (values.empty()) return std::nan("");
  std::vector<double> sorted(values.begin(), values.end());
  const auto n = static_cast<double>(sorted.size());
  const double quantile = q / 100.0;
  // numpy's virtual index for method='linear' (alpha = beta = 1), same order.
  const double virtual_index = n * quantile + (1.0 + quantile * (1.0 - 1.0 - 1.0)) - 1.0;
  const double below = std::clamp(std::floor(virtual_index), 0.0, n - 1.0);
  const double above = std::clamp(below + 1.0, 0.0, n - 1.0);
  const double t = virtual_index - std::floor(virtual_index);
  auto at = [&](double index) {
    auto it = sorted.begin() + static_cast<ptrdiff_t>(index);
    std::nth_element(sorted.begin(), it, sorted.end());
    return *it;
  };
  const double a = at(below);
  const double b = at(above);
  // numpy's _lerp: from the nearer end, so t = 1 gives b exactly.
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

}  // namespace vigil::anomaly
