// The compiled forest that scores rows. All trees live in one flat array;
// a node's children are a pair (see the layout below), so one step is
//   node = first_child + (key(threshold) < key(x[feature]))
// without a branch. key() maps a float to a uint32 of the same order, so the
// step's compare runs on the integer side: on the machines measured a float
// load and compare add ~5 cycles to every step's dependency chain; unsigned,
// the compare's carry is the step (cmp + adc: one instruction and one link
// of the chain fewer than setg + movzx + add). A leaf points at itself, with
// a threshold no key passes, which lets every row take exactly the tree's
// depth in steps, and the batch kernel walk a block of rows through a tree
// in lock-step (independent loads overlap).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <unordered_map>
#include <vector>

#include "anomaly/feature_matrix.h"
#include "anomaly/leaf_masks.h"
#include "anomaly/path_length.h"
#include "anomaly/tree_node.h"
#include "core/error.h"

namespace vigil::anomaly {

class FlatForest {
 public:
  FlatForest() = default;

  // Checks the trees' structure (children in range and after their parent,
  // features < n_features, one parent per node) and lays them out for scoring.
  static Result<FlatForest> compile(const std::vector<TreeNodes>& trees, size_t n_features,
                                    uint32_t max_samples, PathLengthFormula formula);
  // The same, freeing each grown tree once laid out: a fit never holds the
  // grown trees (~32 bytes a node) beside the whole compiled forest (~24).
  // `trees` is left empty, also on error.
  static Result<FlatForest> compile(std::vector<TreeNodes>&& trees, size_t n_features,
                                    uint32_t max_samples, PathLengthFormula formula);

  size_t tree_count() const { return trees_.size(); }
  size_t feature_count() const { return n_features_; }
  uint32_t max_samples() const { return max_samples_; }
  size_t node_count() const { return nodes_; }
  size_t leaf_count() const { return leaves_; }
  // The distinct path lengths the leaves share (depth + c(n_leaf) takes few values).
  size_t distinct_leaf_path_lengths() const { return leaf_path_length_.size(); }
  // Bytes the forest holds on the heap (its arrays' capacities).
  size_t memory_bytes() const;
  // c(max_samples): the normaliser of the score.
  double average_path_length() const { return normaliser_; }

  // Σ over trees, in tree order, of depth + c(n_leaf) (one float64 sum, as
  // sklearn adds them). `row` holds feature_count() values.
  double path_length_sum(const float* row) const;
  // The same for every row of `x` (x.cols == feature_count()), by leaf masks
  // (anomaly/leaf_masks.h) for the trees they cover, by the lane walk for the
  // rest; the same sums either way. An error, with
  // `out` unspecified, when a value is NaN or infinite (checked while keying
  // the rows, which reads every value anyway).
  Result<void> path_length_sums(const FeatureMatrix& x, std::span<double> out) const;
  // The same sum when, at every node on the row's path, the row is split off
  // (isolated at the next depth) with probability `p`: what a feature the
  // training rows held constant does to a row that differs there
  // (anomaly/unseen_values.h). Equals path_length_sum when p = 0.
  double path_length_sum_splitting_off(const float* row, double p) const;
  // From now on the batch walks every tree (tests and benchmarks compare the
  // kernels; the masks exist only on CPUs with AVX-512).
  void drop_leaf_masks() { leaf_masks_ = LeafMasks(); }
  bool has_leaf_masks() const { return !leaf_masks_.empty(); }
  // −2^(−sum / (T·c(ψ))); −0.5 when c(ψ) = 0 (ψ = 1).
  double score_from_sum(double path_length_sum) const;

  // Adds, per feature, the mean over trees of c(n_parent) − 1 − c(n_child) for
  // each split on the row's path. These telescope: their total is
  // c(ψ) − E[h(x)], the path-length shortfall that makes the score.
  void add_shortfall_contributions(const float* row, std::span<double> per_feature) const;

  // The scoring kernels read keys from a buffer that holds, per feature,
  // kKeyStride keys side by side (one per lane of the batch kernel), so a
  // node stores its feature already scaled and lane r reads
  // keys[feature + r]: one addressing mode per step, no per-lane row base.
  static constexpr uint32_t kKeyStride = 16;

  // A uint32 that orders as the float does, for finite floats and +inf: the
  // sign bit set for positive floats, every bit flipped for negative ones
  // (whose bits order backwards). -0 keys just below +0 (no branch, three
  // vector instructions in the batch's keying), which is why thresholds take
  // threshold_key: against a ±0 threshold both zeros must compare equal.
  static constexpr uint32_t order_key(float x) {
    const auto bits = std::bit_cast<uint32_t>(x);
    return bits ^ (static_cast<uint32_t>(std::bit_cast<int32_t>(bits) >> 31) | 0x80000000u);
  }
  // order_key for a split's threshold t, with -0 keyed as +0: then for every
  // finite or infinite float x, order_key(x) > threshold_key(t) exactly when x > t.
  static constexpr uint32_t threshold_key(float t) { return order_key(t == 0.0f ? 0.0f : t); }

  // The layout (public for the scoring kernels only). Siblings are laid out
  // as a pair with their fields interleaved, 24 bytes:
  //   {threshold L, threshold R, feature L, feature R, first_child L, first_child R}
  // and a node is named by its *slot*, the word of its threshold (6·pair +
  // side). Its feature is at slot + 2 and its first child at slot + 4, and a
  // right child's slot is its left sibling's + 1, so one step is
  //   slot = words[slot + 4] + (words[slot] < keys[words[slot + 2] + lane])
  // with every load one addressing mode off the slot: 12-byte nodes side by
  // side took two lea a step to form slot × 3 × 4, pairs take one (GCC forms
  // the node's address once), in the same 12 bytes a node.
  //   threshold:   threshold_key of the largest float <= the split's double
  //                threshold; at a leaf kLeafKey + an index (see kLeafKey)
  //   feature:     the feature's index × kKeyStride (see kKeyStride)
  //   first_child: the left child's slot; a leaf: its own slot
  // A tree's root pairs with the root of the tree before or after it (the
  // trees alternate root-last and root-first), so no slot is padding but,
  // with an odd count of nodes, the last pair's missing half.
  static constexpr uint32_t kFeatureWord = 2;
  static constexpr uint32_t kFirstChildWord = 4;
  static constexpr uint32_t slot_of(size_t node) {
    return static_cast<uint32_t>((node / 2) * 6 + node % 2);
  }
  static constexpr size_t node_of(uint32_t slot) { return (slot / 6) * 2 + slot % 6; }
  // No row's key exceeds order_key(+inf), so any threshold from there up keeps
  // a leaf's rows at the leaf; the leaf's threshold numbers its path length
  // among the forest's distinct ones (a double per node was a third of the
  // forest, zero at every split; one per leaf was still a fifth, while a
  // forest of 50 trees × 4,096 samples has a few hundred distinct values).
  static constexpr uint32_t kLeafKey = 0xff800000;  // order_key(+inf)
  static constexpr size_t kMaxLeaves =
      static_cast<size_t>(std::numeric_limits<uint32_t>::max() - kLeafKey) + 1;
  std::span<const uint32_t> layout_words() const { return words_; }
  uint32_t tree_root(size_t tree) const { return trees_[tree].root; }
  // The path length of the leaf at slot `at` (depth + c(n_leaf)).
  double leaf_path_length(uint32_t at) const { return leaf_path_length_[words_[at] - kLeafKey]; }

 private:
  struct Tree {
    uint32_t root;   // slot
    uint32_t depth;  // longest root-to-leaf path
  };

  // `release` (null or the vector `trees` views) has each tree freed once laid out.
  static Result<FlatForest> compile(std::span<const TreeNodes> trees, size_t n_features,
                                    uint32_t max_samples, PathLengthFormula formula,
                                    std::vector<TreeNodes>* release);
  // While compiling: a leaf's (depth, n_samples) -> its index in
  // leaf_path_length_, which then holds each distinct pair's length once.
  using LeafIndex = std::unordered_map<uint64_t, uint32_t>;
  void append_tree(const TreeNodes& tree, LeafIndex& leaf_index);
  void put_node(size_t node, uint32_t threshold, uint32_t feature, uint32_t first_child);
  void share_leaf_path_lengths();
  void keyed_row(const float* values, std::vector<uint32_t>& keys) const;

  std::vector<uint32_t> words_;  // the nodes' fields, sibling pairs interleaved (above)
  size_t nodes_ = 0;
  std::vector<double> leaf_path_length_;  // the distinct depth + c(n_leaf), ascending
  size_t leaves_ = 0;
  std::vector<uint32_t> node_samples_;  // per node (node_of(slot)); for explanations
  std::vector<Tree> trees_;
  LeafMasks leaf_masks_;  // the trees the batch scores by masks (none without AVX-512)
  size_t n_features_ = 0;
  uint32_t max_samples_ = 0;
  double normaliser_ = 0.0;
  PathLengthFormula formula_ = PathLengthFormula::kLogApproximation;
};

}  // namespace vigil::anomaly
