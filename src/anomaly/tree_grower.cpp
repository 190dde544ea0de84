#include "anomaly/tree_grower.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

namespace vigil::anomaly {
namespace {

// sklearn's FEATURE_THRESHOLD: max − min at most this counts as constant.
constexpr double kConstantSpread = 1e-7;

struct Split {
  uint32_t column = 0;
  double threshold = 0.0;
};

class TreeGrower {
 public:
  TreeGrower(const TreeSample& sample, uint32_t max_depth, Random& rng)
      : sample_(sample), max_depth_(max_depth), rng_(rng) {
    const size_t width = sample.features.size();
    // One candidate list per depth: a child starts from its parent's list, as
    // a feature constant in the parent is constant in the child.
    candidates_.resize((max_depth + 2) * width);
    std::iota(candidates_.begin(), candidates_.begin() + static_cast<ptrdiff_t>(width), 0u);
    keys_ = sample.rows;
    scratch_.resize(keys_.size());
    staged_.resize(keys_.size());
    nodes_.reserve(std::min<size_t>(2 * keys_.size(), size_t{2} << std::min(max_depth, 30u)));
  }

  Result<TreeNodes> grow() {
    grow_node(0, keys_.size(), 0, sample_.features.size());
    if (non_finite_row_ != kAllFinite) {
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("row {} has a value that is not finite", non_finite_row_));
    }
    return std::move(nodes_);
  }

 private:
  int32_t grow_node(size_t begin, size_t end, uint32_t depth, size_t candidate_count) {
    const auto id = static_cast<int32_t>(nodes_.size());
    nodes_.push_back(TreeNode{.n_samples = static_cast<uint32_t>(end - begin)});
    if (end - begin < 2 || depth >= max_depth_) return leaf(id, begin, end, depth);
    uint32_t* candidates = candidates_.data() + depth * sample_.features.size();
    Split split;
    if (!choose_split(begin, end, candidates, candidate_count, split))
      return leaf(id, begin, end, depth);
    const size_t mid = partition(begin, end, split);
    const int32_t left = grow_node(begin, mid, depth + 1, candidate_count);
    const int32_t right = grow_node(mid, end, depth + 1, candidate_count);
    TreeNode& node = nodes_[static_cast<size_t>(id)];
    node.left = left;
    node.right = right;
    node.feature = static_cast<int32_t>(sample_.features[split.column]);
    node.threshold = split.threshold;
    return id;
  }

  int32_t leaf(int32_t id, size_t begin, size_t end, uint32_t depth) {
    if (sample_.path_sums == nullptr) return id;
    // FlatForest's order: (nodes on path) + c(n_leaf) − 1.
    const double length =
        static_cast<double>(depth + 1) + average_path_length(end - begin, sample_.formula) - 1.0;
    for (size_t k = begin; k < end; ++k) sample_.path_sums[keys_[k]] += length;
    return id;
  }

  // Draws features until one is not constant over rows [begin, end); drops the
  // constant ones from `candidates` (and so from the children's lists).
  bool choose_split(size_t begin, size_t end, uint32_t* candidates, size_t& count, Split& split) {
    uint32_t* next_level = candidates + sample_.features.size();
    while (count > 0) {
      const size_t pick = rng_.below(count);
      const uint32_t column = candidates[pick];
      const float* values = column_values(column);
      const auto [lo, hi] = sample_.columns != nullptr ? min_max<false>(values, begin, end)
                                                       : min_max<true>(values, begin, end);
      if (!std::isfinite(lo) || !std::isfinite(hi)) {
        non_finite_row_ = first_non_finite(begin, end, values);
        return false;
      }
      if (static_cast<double>(hi) <= static_cast<double>(lo) + kConstantSpread) {
        std::swap(candidates[pick], candidates[--count]);
        continue;
      }
      split.column = column;
      split.threshold = lo + (static_cast<double>(hi) - lo) * rng_.unit();
      if (split.threshold >= hi) split.threshold = lo;  // rounding reached max: sklearn's fix
      std::copy(candidates, candidates + count, next_level);
      return true;
    }
    return false;
  }

  // Four running minima and maxima: one pair would make every step wait for
  // the previous one's result. Each value read is also written to staged_ in
  // key order, so that partition() reads the chosen column sequentially
  // instead of gathering it again. kRowMajor: the column is read in x itself
  // (stride x->cols) and a value that is not finite makes the minimum NaN;
  // the transposed copy was checked when it was made.
  template <bool kRowMajor>
  std::pair<float, float> min_max(const float* values, size_t begin, size_t end) {
    const uint32_t* keys = keys_.data() + begin;
    const size_t stride = sample_.x->cols;
    const auto at = [&](size_t k) { return values[kRowMajor ? keys[k] * stride : keys[k]]; };
    float* staged = staged_.data();
    const size_t n = end - begin;
    float lo[4], hi[4];
    bool finite = true;
    for (int i = 0; i < 4; ++i) lo[i] = hi[i] = at(0);
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
      for (int i = 0; i < 4; ++i) {
        const float v = at(k + i);
        if constexpr (kRowMajor) finite &= std::isfinite(v);
        staged[k + i] = v;
        lo[i] = std::min(lo[i], v);
        hi[i] = std::max(hi[i], v);
      }
    }
    for (; k < n; ++k) {
      const float v = at(k);
      if constexpr (kRowMajor) finite &= std::isfinite(v);
      staged[k] = v;
      lo[0] = std::min(lo[0], v);
      hi[0] = std::max(hi[0], v);
    }
    if (!finite) return {std::nanf(""), std::nanf("")};
    return {std::min(std::min(lo[0], lo[1]), std::min(lo[2], lo[3])),
            std::max(std::max(hi[0], hi[1]), std::max(hi[2], hi[3]))};
  }

  // Rows with x <= threshold first, x from staged_ (the split's column, as
  // choose_split last read it). Without branches (a random split mispredicts
  // half of them): every key is written to both ends and the comparison moves
  // one cursor. Order inside each side does not matter: a child's extent and
  // the random draws do not depend on it.
  size_t partition(size_t begin, size_t end, const Split& split) {
    // (double)x <= t exactly when x <= the largest float <= t.
    float t = static_cast<float>(split.threshold);
    if (static_cast<double>(t) > split.threshold)
      t = std::nextafter(t, -std::numeric_limits<float>::infinity());
    uint32_t* keys = keys_.data();
    const float* staged = staged_.data() - begin;
    uint32_t* right = scratch_.data();
    size_t left_end = begin, right_count = 0;
    for (size_t k = begin; k < end; ++k) {
      const uint32_t key = keys[k];
      const bool goes_left = staged[k] <= t;
      keys[left_end] = key;  // left_end <= k: that key was read already
      right[right_count] = key;
      left_end += goes_left;
      right_count += !goes_left;
    }
    std::copy(right, right + right_count, keys + left_end);
    return left_end;
  }

  // Column j of the sample (feature features[j]): in the transposed copy,
  // indexed by row id; else in x, at row id × x->cols.
  const float* column_values(uint32_t column) const {
    const uint32_t feature = sample_.features[column];
    if (sample_.columns != nullptr) return sample_.columns + feature * sample_.x->rows;
    return sample_.x->values.data() + feature;
  }

  uint32_t first_non_finite(size_t begin, size_t end, const float* values) const {
    const size_t stride = sample_.columns != nullptr ? 1 : sample_.x->cols;
    for (size_t k = begin; k < end; ++k) {
      if (!std::isfinite(values[keys_[k] * stride])) return keys_[k];
    }
    return kAllFinite;
  }

  static constexpr uint32_t kAllFinite = UINT32_MAX;
  uint32_t non_finite_row_ = kAllFinite;
  const TreeSample& sample_;
  const uint32_t max_depth_;
  Random& rng_;
  std::vector<uint32_t> keys_;
  std::vector<uint32_t> scratch_;  // partition's right side
  std::vector<float> staged_;      // the column min_max last read, in key order
  std::vector<uint32_t> candidates_;
  TreeNodes nodes_;
};

}  // namespace

Result<std::vector<float>> transpose(const FeatureMatrix& x) {
  std::vector<float> out(x.values.size());
  for (size_t r = 0; r < x.rows; ++r) {
    const float* row = x.row_data(r);
    bool finite = true;
    for (size_t f = 0; f < x.cols; ++f) {
      out[f * x.rows + r] = row[f];
      finite &= std::isfinite(row[f]);
    }
    if (!finite) {
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("row {} has a value that is not finite", r));
    }
  }
  return out;
}

Result<TreeNodes> grow_isolation_tree(const TreeSample& sample, uint32_t max_depth, Random& rng) {
  return TreeGrower(sample, max_depth, rng).grow();
}

}  // namespace vigil::anomaly
