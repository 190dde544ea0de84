#include "anomaly/leaf_masks.h"

#include <algorithm>
#include <array>
#include <span>
#include <utility>

#include "anomaly/flat_forest.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VIGIL_LEAF_MASKS_X86 1
#define VIGIL_AVX512 __attribute__((target("avx512f,avx512cd")))
#endif

namespace vigil::anomaly {
namespace {

// A split and the leaves of its left subtree, [first, end) left to right.
struct LeftLeaves {
  uint32_t slot;
  uint32_t first;
  uint32_t end;
};

// Numbers the leaves under `slot` left to right (appending their slots) and
// notes each split's left leaves. False once there are more than kMaxLeaves.
bool number_leaves(std::span<const uint32_t> words, uint32_t slot, std::vector<uint32_t>& leaves,
                   std::vector<LeftLeaves>& splits) {
  const uint32_t left = words[slot + FlatForest::kFirstChildWord];
  if (left == slot) {  // a leaf points at itself
    leaves.push_back(slot);
    return leaves.size() <= LeafMasks::kMaxLeaves;
  }
  const auto first = static_cast<uint32_t>(leaves.size());
  if (!number_leaves(words, left, leaves, splits)) return false;
  splits.push_back({slot, first, static_cast<uint32_t>(leaves.size())});
  return number_leaves(words, left + 1, leaves, splits);  // the right child is the next slot
}

// The bits of word `word` that hold leaves [first, end), or 0.
uint32_t leaf_bits(uint32_t first, uint32_t end, uint32_t word) {
  const uint32_t begin_bit = word * LeafMasks::kLeavesPerWord;
  const uint32_t end_bit = begin_bit + LeafMasks::kLeavesPerWord;
  if (end <= begin_bit || first >= end_bit) return 0;
  const uint32_t from = std::max(first, begin_bit) - begin_bit;
  const uint32_t to = std::min(end, end_bit) - begin_bit;  // 1..32
  const uint64_t below_to = (uint64_t{1} << to) - 1;
  return static_cast<uint32_t>(below_to & ~((uint64_t{1} << from) - 1));
}

#if defined(VIGIL_LEAF_MASKS_X86)
// Per row (a 32-bit lane), the index of the lowest leaf still kept in word
// `word`, where the word keeps one; else `leaf` unchanged.
VIGIL_AVX512 __m512i lowest_kept(__m512i kept, uint32_t word, __m512i leaf) {
  const __m512i lowest_bit = _mm512_and_si512(kept, _mm512_sub_epi32(_mm512_setzero_si512(), kept));
  const auto last_bit = static_cast<int32_t>(LeafMasks::kLeavesPerWord * (word + 1) - 1);
  const __m512i index =
      _mm512_sub_epi32(_mm512_set1_epi32(last_bit), _mm512_lzcnt_epi32(lowest_bit));
  return _mm512_mask_mov_epi32(leaf, _mm512_test_epi32_mask(kept, kept), index);
}

// leaf_lengths[leaf] for eight 32-bit leaf indices (the masked gather: GCC
// 12's unmasked one reads an uninitialized source vector).
VIGIL_AVX512 __m512d leaf_lengths_at(__m256i leaf, const double* leaf_lengths) {
  return _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xff, leaf, leaf_lengths, 8);
}

// The kernel for one tree and Blocks blocks of 16 rows, a row a 32-bit lane
// of its block's vector (64-bit words took two vectors and a mask shift a
// split: ~15 % slower). Each split is read once for all blocks (per block a
// split then costs a load, a compare and a masked AND; one block at a time
// paid the split's loads and the loop for each, and did no better than the
// walk on trees of ~75 splits). Words go from the last to the first, so the
// lowest word that keeps a leaf names the row's leaf (every row keeps one).
template <size_t Blocks, typename Split>
VIGIL_AVX512 void add_leaf_lengths(const Split* splits, const uint32_t* word_starts, uint32_t words,
                                   const double* leaf_lengths, const uint32_t* keys,
                                   size_t block_keys, double (*sums)[FlatForest::kKeyStride]) {
  __m512i leaf[Blocks];
  for (size_t b = 0; b < Blocks; ++b) leaf[b] = _mm512_setzero_si512();
  for (uint32_t word = words; word-- > 0;) {
    __m512i kept[Blocks];
    for (size_t b = 0; b < Blocks; ++b) kept[b] = _mm512_set1_epi32(-1);
    for (uint32_t s = word_starts[word]; s < word_starts[word + 1]; ++s) {
      const Split& split = splits[s];
      const __m512i threshold = _mm512_set1_epi32(static_cast<int32_t>(split.threshold));
      const __m512i split_kept = _mm512_set1_epi32(static_cast<int32_t>(split.kept));
      for (size_t b = 0; b < Blocks; ++b) {
        const __m512i row_keys = _mm512_loadu_si512(keys + b * block_keys + split.key_offset);
        const __mmask16 passed = _mm512_cmpgt_epu32_mask(row_keys, threshold);
        kept[b] = _mm512_mask_and_epi32(kept[b], passed, kept[b], split_kept);
      }
    }
    for (size_t b = 0; b < Blocks; ++b) leaf[b] = lowest_kept(kept[b], word, leaf[b]);
  }
  // One add a row, as the walk adds: the sums stay in tree order.
  // (GCC 12's unmasked extract and cast read an uninitialized vector.)
  for (size_t b = 0; b < Blocks; ++b) {
    const __m256i low = _mm512_maskz_extracti64x4_epi64(0xf, leaf[b], 0);
    const __m256i high = _mm512_maskz_extracti64x4_epi64(0xf, leaf[b], 1);
    double* row_sums = sums[b];
    _mm512_storeu_pd(row_sums,
                     _mm512_add_pd(_mm512_loadu_pd(row_sums), leaf_lengths_at(low, leaf_lengths)));
    _mm512_storeu_pd(row_sums + 8, _mm512_add_pd(_mm512_loadu_pd(row_sums + 8),
                                                 leaf_lengths_at(high, leaf_lengths)));
  }
}

// add_leaf_lengths for 1..kMaxBlocks blocks, by block count - 1: the count a
// constant, so that each block's `kept` stays in a register.
template <typename Split, size_t... Counts>
constexpr auto kernels_by_block_count(std::index_sequence<Counts...>) {
  return std::array{&add_leaf_lengths<Counts + 1, Split>...};
}

template <typename Split>
void add_leaf_lengths_of_blocks(size_t blocks, const Split* splits, const uint32_t* word_starts,
                                uint32_t words, const double* leaf_lengths, const uint32_t* keys,
                                size_t block_keys, double (*sums)[FlatForest::kKeyStride]) {
  static constexpr auto kKernels =
      kernels_by_block_count<Split>(std::make_index_sequence<LeafMasks::kMaxBlocks>());
  kKernels[std::clamp<size_t>(blocks, 1, LeafMasks::kMaxBlocks) - 1](
      splits, word_starts, words, leaf_lengths, keys, block_keys, sums);
}
#endif

}  // namespace

bool LeafMasks::supported() {
#if defined(VIGIL_LEAF_MASKS_X86)
  static const bool kSupported =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd");
  return kSupported;
#else
  return false;
#endif
}

LeafMasks LeafMasks::build(const FlatForest& forest) {
  LeafMasks masks;
  if (!supported()) return masks;
  masks.trees_.reserve(forest.tree_count());
  for (size_t t = 0; t < forest.tree_count(); ++t) masks.add_tree(forest, forest.tree_root(t));
  if (masks.leaf_lengths_.empty()) return LeafMasks();  // no tree covered: hold nothing
  // Grown a tree at a time: without this a third of the capacity was slack.
  masks.splits_.shrink_to_fit();
  masks.word_starts_.shrink_to_fit();
  masks.leaf_lengths_.shrink_to_fit();
  return masks;
}

void LeafMasks::add_tree(const FlatForest& forest, uint32_t root) {
  std::vector<uint32_t> leaves;
  std::vector<LeftLeaves> splits;
  if (!number_leaves(forest.layout_words(), root, leaves, splits)) {
    trees_.push_back({});
    return;
  }
  const std::span<const uint32_t> words = forest.layout_words();
  TreeMasks tree;
  tree.first_word = static_cast<uint32_t>(word_starts_.size());
  tree.words = static_cast<uint32_t>((leaves.size() + kLeavesPerWord - 1) / kLeavesPerWord);
  tree.first_leaf = static_cast<uint32_t>(leaf_lengths_.size());
  for (uint32_t word = 0; word < tree.words; ++word) {
    word_starts_.push_back(static_cast<uint32_t>(splits_.size()));
    for (const LeftLeaves& split : splits) {
      const uint32_t ruled_out = leaf_bits(split.first, split.end, word);
      if (ruled_out == 0) continue;
      splits_.push_back(
          {words[split.slot + FlatForest::kFeatureWord], words[split.slot], ~ruled_out});
    }
  }
  word_starts_.push_back(static_cast<uint32_t>(splits_.size()));
  for (const uint32_t leaf : leaves) leaf_lengths_.push_back(forest.leaf_path_length(leaf));
  trees_.push_back(tree);
}

void LeafMasks::add_path_lengths(size_t tree, const uint32_t* keys, size_t block_keys,
                                 size_t blocks, double (*sums)[FlatForest::kKeyStride]) const {
#if defined(VIGIL_LEAF_MASKS_X86)
  const TreeMasks& masks = trees_[tree];
  add_leaf_lengths_of_blocks(blocks, splits_.data(), word_starts_.data() + masks.first_word,
                             masks.words, leaf_lengths_.data() + masks.first_leaf, keys, block_keys,
                             sums);
#else
  (void)tree, (void)keys, (void)block_keys, (void)blocks, (void)sums;  // covers() is false
#endif
}

size_t LeafMasks::memory_bytes() const {
  return splits_.capacity() * sizeof(Split) + word_starts_.capacity() * sizeof(uint32_t) +
         leaf_lengths_.capacity() * sizeof(double) + trees_.capacity() * sizeof(TreeMasks);
}

}  // namespace vigil::anomaly
