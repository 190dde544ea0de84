// Batch scoring by leaf masks, on CPUs with AVX-512 (QuickScorer: Lucchese et
// al., "QuickScorer: a fast algorithm to rank documents with additive
// ensembles of regression trees", SIGIR 2015). Number a tree's leaves left to
// right. A split that a row passes (goes right at) rules out every leaf of its
// left subtree, and the row's leaf is the leftmost leaf that no passed split
// ruled out, whether or not the row reached those splits: a split off the
// row's path rules out only leaves off it, and of two leaves left of each
// other the split where their paths part rules out the left one when the row
// went right there. So no compare waits for another: for each split, the 16
// rows' keys (side by side in the batch's feature-major block) are compared
// with its threshold in one instruction, and every row that passed ANDs the
// split's mask into its 32 bits of leaves (one 32-bit lane a row, the 16 rows
// one vector). The lane walk instead chains two dependent loads a step (~1.9
// cycles a row a step, 8 steps a tree at ψ 256); here a split costs 4
// instructions for 16 rows (load, compare, masked AND, loop), and a ψ 256
// tree has 35–70 splits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::anomaly {

class FlatForest;

class LeafMasks {
 public:
  // Trees with more leaves are walked instead: the masks cost a split each,
  // and a ψ 4,096 tree (the ML detector's) has ~2,000 splits for ~12 steps.
  static constexpr uint32_t kMaxLeaves = 256;
  static constexpr uint32_t kLeavesPerWord = 32;

  // True when this CPU runs the kernel (AVX-512 F and CD).
  static bool supported();
  // Masks for each tree of `forest` with at most kMaxLeaves leaves; none
  // when the CPU does not run the kernel.
  static LeafMasks build(const FlatForest& forest);

  bool empty() const { return trees_.empty(); }
  bool covers(size_t tree) const { return tree < trees_.size() && trees_[tree].words != 0; }
  // For `blocks` (1..kMaxBlocks) blocks of kLanes rows, keyed as the batch
  // keys them (feature f of the block's row r at f·kLanes + r, block b at
  // keys + b·block_keys), adds tree `tree`'s leaf path length to sums[b][r].
  // Requires covers(tree).
  static constexpr size_t kLanes = 16;  // FlatForest::kKeyStride
  static constexpr size_t kMaxBlocks = 8;
  void add_path_lengths(size_t tree, const uint32_t* keys, size_t block_keys, size_t blocks,
                        double (*sums)[kLanes]) const;
  // Bytes held on the heap.
  size_t memory_bytes() const;

 private:
  struct Split {
    uint32_t key_offset;  // the feature × kKeyStride, as in the walk's layout
    uint32_t threshold;   // the split's threshold key
    uint32_t kept;        // this word's leaves that stay when a row passes
  };
  struct TreeMasks {
    uint32_t first_word = 0;  // index in word_starts_
    uint32_t words = 0;       // 32-leaf words; 0: not covered
    uint32_t first_leaf = 0;  // index in leaf_lengths_
  };

  void add_tree(const FlatForest& forest, uint32_t root);

  std::vector<Split> splits_;          // per tree, per word, the splits touching it
  std::vector<uint32_t> word_starts_;  // per tree, each word's first split, then the end
  std::vector<double> leaf_lengths_;   // per tree, its leaves' path lengths left to right
  std::vector<TreeMasks> trees_;       // per tree of the forest
};

}  // namespace vigil::anomaly
