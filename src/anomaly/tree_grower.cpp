#include "anomaly/tree_grower.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

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
      : sample_(sample), max_depth_(max_depth), rng_(rng), rows_(sample.rows) {
    const size_t width = sample.features.size();
    // One candidate list per depth: a child starts from its parent's list, as
    // a feature constant in the parent is constant in the child.
    candidates_.resize((max_depth + 2) * width);
    std::iota(candidates_.begin(), candidates_.begin() + static_cast<ptrdiff_t>(width), 0u);
  }

  Result<TreeNodes> grow() {
    grow_node(0, rows_.size(), 0, sample_.features.size());
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
    if (end - begin < 2 || depth >= max_depth_) return id;
    uint32_t* candidates = candidates_.data() + depth * sample_.features.size();
    Split split;
    if (!choose_split(begin, end, candidates, candidate_count, split)) return id;
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

  // Draws features until one is not constant over rows [begin, end); drops the
  // constant ones from `candidates` (and so from the children's lists).
  bool choose_split(size_t begin, size_t end, uint32_t* candidates, size_t& count, Split& split) {
    uint32_t* next_level = candidates + sample_.features.size();
    while (count > 0) {
      const size_t pick = rng_.below(count);
      const uint32_t column = candidates[pick];
      const float* values = column_values(column);
      const size_t stride = sample_.x->cols;
      float lo = values[rows_[begin] * stride], hi = lo;
      bool finite = true;
      for (size_t k = begin; k < end; ++k) {
        const float v = values[rows_[k] * stride];
        finite &= std::isfinite(v);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      if (!finite) {
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

  size_t partition(size_t begin, size_t end, const Split& split) {
    const float* values = column_values(split.column);
    const size_t stride = sample_.x->cols;
    auto mid = std::partition(
        rows_.begin() + static_cast<ptrdiff_t>(begin), rows_.begin() + static_cast<ptrdiff_t>(end),
        [&](uint32_t r) { return static_cast<double>(values[r * stride]) <= split.threshold; });
    return static_cast<size_t>(mid - rows_.begin());
  }

  // Column j of the sample: feature features[j] of row r at [r * cols].
  const float* column_values(uint32_t column) const {
    return sample_.x->values.data() + sample_.features[column];
  }

  uint32_t first_non_finite(size_t begin, size_t end, const float* values) const {
    for (size_t k = begin; k < end; ++k) {
      if (!std::isfinite(values[rows_[k] * sample_.x->cols])) return rows_[k];
    }
    return kAllFinite;
  }

  static constexpr uint32_t kAllFinite = UINT32_MAX;
  uint32_t non_finite_row_ = kAllFinite;
  const TreeSample& sample_;
  const uint32_t max_depth_;
  Random& rng_;
  std::vector<uint32_t> rows_;
  std::vector<uint32_t> candidates_;
  TreeNodes nodes_;
};

}  // namespace

Result<TreeNodes> grow_isolation_tree(const TreeSample& sample, uint32_t max_depth, Random& rng) {
  return TreeGrower(sample, max_depth, rng).grow();
}

}  // namespace vigil::anomaly
