#include "anomaly/flat_forest.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil::anomaly {
namespace {

static_assert(FlatForest::order_key(std::numeric_limits<float>::infinity()) ==
              FlatForest::kLeafKey);

// Rows walked through a tree in lock-step: 16 chains of dependent loads in
// flight (the positions no longer all fit in registers, but the spills cost
// less than the latency they hide; 8 lanes measured 10-20 % slower, 32 too).
constexpr size_t kLanes = FlatForest::kKeyStride;
// The batch walks each tree with up to kBlocksPerPass blocks of kLanes rows
// before the next tree, so a tree's nodes are read from L1 by every block
// but the first (with one block a pass the forest's ~100 KB went through L1
// once per block: 12-15 % slower on 3-36 features), as many blocks as keep
// the pass's keys within kPassKeyBytes (wide rows key 17.5 KB a block).
constexpr size_t kBlocksPerPass = 8;
static_assert(kBlocksPerPass <= LeafMasks::kMaxBlocks && kLanes == LeafMasks::kLanes);
constexpr size_t kPassKeyBytes = 64 * 1024;
// Trees walked together for a single row, for the same reason: deep trees
// (ψ 4,096, the ML detector's) miss the cache at every level, and 16 walks in
// flight measured ~25 % faster than 8 there, and no slower on ψ 256 trees.
constexpr size_t kTreeGroup = 16;

// For a float x, (double)x <= t exactly when x <= the largest float <= t, so
// the scorer can compare floats and still split exactly like sklearn.
float round_down_to_float(double t) {
  float f = static_cast<float>(t);
  if (static_cast<double>(f) > t) f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return f;
}

Result<void> check_node(const TreeNodes& tree, size_t i, size_t n_features,
                        std::vector<uint8_t>& parents) {
  const TreeNode& n = tree[i];
  const auto size = static_cast<int64_t>(tree.size());
  if (n.n_samples == 0) return make_error(ErrorCode::kInvalidInput, "node with 0 samples");
  if (n.is_leaf()) {
    if (n.right != TreeNode::kNoChild) {
      return make_error(ErrorCode::kInvalidInput, "leaf with a right child");
    }
    return {};
  }
  for (const int32_t child : {n.left, n.right}) {
    if (child <= static_cast<int64_t>(i) || child >= size) {
      return make_error(ErrorCode::kInvalidInput,
                        fmt::format("child {} must come after its parent and exist", child));
    }
    if (++parents[static_cast<size_t>(child)] > 1) {
      return make_error(ErrorCode::kInvalidInput, fmt::format("node {} has two parents", child));
    }
  }
  if (n.feature < 0 || static_cast<size_t>(n.feature) >= n_features) {
    return make_error(
        ErrorCode::kInvalidInput,
        fmt::format("feature {} out of range (forest has {})", n.feature, n_features));
  }
  if (!std::isfinite(n.threshold)) {
    return make_error(ErrorCode::kInvalidInput, "split threshold is not finite");
  }
  return {};
}

// Slots (3 words a node) are uint32.
constexpr size_t kMaxNodes = (size_t{std::numeric_limits<uint32_t>::max()} - 2) / 3;

Result<void> check_tree(const TreeNodes& tree, size_t n_features) {
  if (tree.empty()) return make_error(ErrorCode::kInvalidInput, "empty tree");
  std::vector<uint8_t> parents(tree.size(), 0);
  for (size_t i = 0; i < tree.size(); ++i) {
    auto ok = check_node(tree, i, n_features, parents);
    if (!ok) return make_error(ok.error().code, fmt::format("node {}: {}", i, ok.error().message));
  }
  for (size_t i = 1; i < tree.size(); ++i) {
    if (parents[i] == 0)
      return make_error(ErrorCode::kInvalidInput, fmt::format("node {} unreachable", i));
  }
  return {};
}

}  // namespace

Result<FlatForest> FlatForest::compile(const std::vector<TreeNodes>& trees, size_t n_features,
                                       uint32_t max_samples, PathLengthFormula formula) {
  return compile(std::span<const TreeNodes>(trees), n_features, max_samples, formula, nullptr);
}

Result<FlatForest> FlatForest::compile(std::vector<TreeNodes>&& trees, size_t n_features,
                                       uint32_t max_samples, PathLengthFormula formula) {
  auto forest =
      compile(std::span<const TreeNodes>(trees), n_features, max_samples, formula, &trees);
  std::vector<TreeNodes>().swap(trees);
  return forest;
}

Result<FlatForest> FlatForest::compile(std::span<const TreeNodes> trees, size_t n_features,
                                       uint32_t max_samples, PathLengthFormula formula,
                                       std::vector<TreeNodes>* release) {
  if (trees.empty()) return make_error(ErrorCode::kInvalidInput, "a forest needs trees");
  if (max_samples == 0) return make_error(ErrorCode::kInvalidInput, "max_samples must be > 0");
  FlatForest forest;
  forest.n_features_ = n_features;
  forest.max_samples_ = max_samples;
  forest.formula_ = formula;
  forest.normaliser_ = anomaly::average_path_length(max_samples, formula);
  size_t nodes = 0;
  size_t leaves = 0;
  for (const TreeNodes& tree : trees) {
    nodes += tree.size();
    leaves += static_cast<size_t>(
        std::count_if(tree.begin(), tree.end(), [](const TreeNode& n) { return n.is_leaf(); }));
  }
  if (leaves > kMaxLeaves)
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{} leaves (a forest holds at most {})", leaves, kMaxLeaves));
  if (nodes > kMaxNodes)
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("{} nodes (a forest holds at most {})", nodes, kMaxNodes));
  // The last pair's fields reach its missing half's first_child's word - 2.
  forest.words_.resize(3 * nodes + (nodes % 2 == 0 ? 0 : 2));
  forest.node_samples_.resize(nodes);
  forest.trees_.reserve(trees.size());
  LeafIndex leaf_index;
  for (size_t t = 0; t < trees.size(); ++t) {
    auto ok = check_tree(trees[t], n_features);
    if (!ok) return make_error(ok.error().code, fmt::format("tree {}: {}", t, ok.error().message));
    forest.append_tree(trees[t], leaf_index);
    if (release != nullptr) TreeNodes().swap((*release)[t]);
  }
  forest.share_leaf_path_lengths();
  forest.leaf_masks_ = LeafMasks::build(forest);
  return forest;
}

// Leaves were numbered by their (depth, sample count) as laid out; now each
// leaf's threshold numbers its value among the distinct values, ascending
// (two pairs can give one value: depth d with 2 samples and d + 1 with 1).
// Values are computed once per pair, the same way, so scores do not change.
void FlatForest::share_leaf_path_lengths() {
  std::vector<uint32_t> order(leaf_path_length_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return leaf_path_length_[a] < leaf_path_length_[b]; });
  std::vector<double> distinct;
  std::vector<uint32_t> rank(order.size());
  for (const uint32_t i : order) {
    const double value = leaf_path_length_[i];
    if (distinct.empty() || distinct.back() != value) distinct.push_back(value);
    rank[i] = static_cast<uint32_t>(distinct.size() - 1);
  }
  for (size_t node = 0; node < nodes_; ++node) {
    uint32_t& threshold = words_[slot_of(node)];
    if (threshold >= kLeafKey) threshold = kLeafKey + rank[threshold - kLeafKey];
  }
  distinct.shrink_to_fit();
  leaf_path_length_ = std::move(distinct);
}

size_t FlatForest::memory_bytes() const {
  return words_.capacity() * sizeof(uint32_t) + leaf_path_length_.capacity() * sizeof(double) +
         node_samples_.capacity() * sizeof(uint32_t) + trees_.capacity() * sizeof(Tree) +
         leaf_masks_.memory_bytes();
}

void FlatForest::put_node(size_t node, uint32_t threshold, uint32_t feature, uint32_t first_child) {
  const uint32_t slot = slot_of(node);
  words_[slot] = threshold;
  words_[slot + kFeatureWord] = feature;
  words_[slot + kFirstChildWord] = first_child;
}

// Breadth-first relayout so that siblings are a pair (see slot_of). A tree
// has an odd count of nodes (every split has two children), so its children
// pair up when the root goes last in a tree that starts on a pair and first
// in one that starts halfway: the roots of two trees share a pair.
void FlatForest::append_tree(const TreeNodes& tree, LeafIndex& leaf_index) {
  const size_t start = nodes_;
  const bool root_last = start % 2 == 0;
  // Node of the b-th node in breadth-first order.
  const auto node_at = [&](size_t b) {
    if (b == 0) return root_last ? start + tree.size() - 1 : start;
    return root_last ? start + b - 1 : start + b;
  };
  std::vector<int32_t> source{0};  // breadth-first position -> index in `tree`
  std::vector<uint32_t> depth{0};
  source.reserve(tree.size());
  depth.reserve(tree.size());
  Tree compiled{slot_of(node_at(0)), 0};
  for (size_t b = 0; b < source.size(); ++b) {
    const TreeNode& n = tree[static_cast<size_t>(source[b])];
    const size_t here = node_at(b);
    node_samples_[here] = n.n_samples;
    if (n.is_leaf()) {
      const uint64_t pair = uint64_t{depth[b]} << 32 | n.n_samples;
      const auto [known, added] =
          leaf_index.try_emplace(pair, static_cast<uint32_t>(leaf_path_length_.size()));
      if (added) {
        // sklearn's order: (nodes on path) + c(n_leaf) − 1.
        leaf_path_length_.push_back(static_cast<double>(depth[b] + 1) +
                                    anomaly::average_path_length(n.n_samples, formula_) - 1.0);
      }
      put_node(here, kLeafKey + known->second, 0, slot_of(here));
      ++leaves_;
      compiled.depth = std::max(compiled.depth, depth[b]);
      continue;
    }
    put_node(here, threshold_key(round_down_to_float(n.threshold)),
             static_cast<uint32_t>(n.feature) * kKeyStride, slot_of(node_at(source.size())));
    source.push_back(n.left);
    source.push_back(n.right);
    depth.push_back(depth[b] + 1);
    depth.push_back(depth[b] + 1);
  }
  nodes_ += tree.size();
  trees_.push_back(compiled);
}

namespace {

#if defined(__SSE2__)
// The tree's first two steps for all kLanes lanes (the root must be a split;
// a leaf child keeps its lanes, as in the walk). Every lane reads the root
// and then one of its two children, a sibling pair: three nodes for all
// lanes, whose keys lie side by side in the feature-major block, so SSE2
// takes four lanes at a time, ~16 instructions for their two steps where the
// scalar walk spends ~6.6 a lane a step (~53); these are a quarter of a depth-8
// tree's steps. Keys are unsigned: compared as signed with the top bit flipped.
void first_two_steps(const uint32_t* words, uint32_t root, const uint32_t* keys, uint32_t* pos) {
  constexpr uint32_t kTopBit = 0x80000000u;
  const auto broadcast = [](uint32_t word) { return _mm_set1_epi32(static_cast<int32_t>(word)); };
  const __m128i top_bit = broadcast(kTopBit);
  // All ones in the lanes whose key passes `threshold` (goes right).
  const auto passes = [&](const uint32_t* node_keys, uint32_t threshold) {
    const __m128i key = _mm_loadu_si128(reinterpret_cast<const __m128i*>(node_keys));
    return _mm_cmpgt_epi32(_mm_xor_si128(key, top_bit), broadcast(threshold ^ kTopBit));
  };
  const uint32_t left = words[root + FlatForest::kFirstChildWord];  // the pair's left slot
  const uint32_t right = left + 1;
  const uint32_t left_child = words[left + FlatForest::kFirstChildWord];
  const __m128i either_child = broadcast(left_child ^ words[right + FlatForest::kFirstChildWord]);
  for (size_t r = 0; r < kLanes; r += 4) {
    const __m128i went_right =
        passes(keys + words[root + FlatForest::kFeatureWord] + r, words[root]);
    const __m128i left_passes =
        passes(keys + words[left + FlatForest::kFeatureWord] + r, words[left]);
    const __m128i right_passes =
        passes(keys + words[right + FlatForest::kFeatureWord] + r, words[right]);
    // Blends by went_right: b ^ (mask & (a ^ b)).
    const __m128i passed = _mm_xor_si128(
        left_passes, _mm_and_si128(went_right, _mm_xor_si128(right_passes, left_passes)));
    const __m128i child =
        _mm_xor_si128(broadcast(left_child), _mm_and_si128(went_right, either_child));
    // A passed lane's mask is −1: the right child of the pair, one slot on.
    _mm_storeu_si128(reinterpret_cast<__m128i*>(pos + r), _mm_sub_epi32(child, passed));
  }
}
#endif

// Walks kLanes rows through one tree in lock-step; `keys` holds the rows'
// keys feature-major (feature f of lane r at f·kLanes + r, which is what a
// node's scaled feature points at). With the lane count fixed the positions
// stay in registers (or nearby spill slots) and the lanes' loads overlap.
void walk_lanes(const uint32_t* words, uint32_t root, uint32_t depth, const uint32_t* keys,
                uint32_t* at) {
  uint32_t pos[kLanes];
  uint32_t steps = depth;
#if defined(__SSE2__)
  if (depth >= 2) {
    first_two_steps(words, root, keys, pos);
    steps -= 2;
  } else {
    for (size_t r = 0; r < kLanes; ++r) pos[r] = root;
  }
#else
  for (size_t r = 0; r < kLanes; ++r) pos[r] = root;
#endif
  for (uint32_t step = 0; step < steps; ++step) {
#pragma GCC unroll 16
    for (size_t r = 0; r < kLanes; ++r) {
      const uint32_t* n = words + pos[r];
      pos[r] = n[FlatForest::kFirstChildWord] + (n[0] < keys[n[FlatForest::kFeatureWord] + r]);
    }
  }
  for (size_t r = 0; r < kLanes; ++r) at[r] = pos[r];
}

}  // namespace

namespace {

// A float is NaN or infinite when its exponent bits are all set.
constexpr uint32_t kExponentBits = 0x7f800000u;

#if defined(__SSE2__)
// order_key of four floats at once.
__m128i order_keys(__m128i bits) {
  const __m128i flip = _mm_or_si128(_mm_srai_epi32(bits, 31), _mm_set1_epi32(INT32_MIN));
  return _mm_xor_si128(bits, flip);
}

// Notes the four floats' exponents in the top bytes of `exponents` (their
// unsigned byte maximum): a float is NaN or infinite when its exponent is
// 0xff. The bits shifted left by one hold the exponent in the top byte, and
// doubling in place (the bits are not needed once keyed) and a byte maximum
// take two instructions, no copy, where masking and comparing took four.
void note_exponents(__m128i bits, __m128i& exponents) {
  exponents = _mm_max_epu8(exponents, _mm_add_epi32(bits, bits));
}

// True when a float whose exponents note_exponents noted is NaN or infinite.
bool any_not_finite(__m128i exponents) {
  const int top_bytes = 0x8888;  // byte 3 of each 32-bit lane
  return (_mm_movemask_epi8(_mm_cmpeq_epi8(exponents, _mm_set1_epi8(-1))) & top_bytes) != 0;
}

// Keys features [f, f + 4) of the four rows `rows` into lanes [lane, lane + 4)
// of the feature-major block: four loads, twelve key operations, a 4 × 4
// transpose and four stores, where keying feature by feature writes every key
// alone (4.25 instructions a key in GCC's vectorized loop; ~2.75 here). The
// floats' exponents are noted on the way (see note_exponents): the values
// are in registers here, where a separate pass over wide rows cost 2
// instructions a value (arrhythmia's 274 features: ~550 a row, 7 % of scoring).
void key_four_by_four(const float* const* rows, size_t f, size_t lane, uint32_t* keys,
                      __m128i& exponents) {
  __m128i k[4];
  for (size_t i = 0; i < 4; ++i) {
    const __m128i bits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[i] + f));
    k[i] = order_keys(bits);
    note_exponents(bits, exponents);
  }
  const __m128i lo01 = _mm_unpacklo_epi32(k[0], k[1]);  // r0f0 r1f0 r0f1 r1f1
  const __m128i lo23 = _mm_unpacklo_epi32(k[2], k[3]);
  const __m128i hi01 = _mm_unpackhi_epi32(k[0], k[1]);  // r0f2 r1f2 r0f3 r1f3
  const __m128i hi23 = _mm_unpackhi_epi32(k[2], k[3]);
  const __m128i by_feature[4] = {_mm_unpacklo_epi64(lo01, lo23), _mm_unpackhi_epi64(lo01, lo23),
                                 _mm_unpacklo_epi64(hi01, hi23), _mm_unpackhi_epi64(hi01, hi23)};
  for (size_t j = 0; j < 4; ++j)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(keys + (f + j) * kLanes + lane), by_feature[j]);
}
#endif

// Keys the block's rows into the feature-major layout (feature f of lane r
// at f·kLanes + r). Four lanes at a time across all features, so that their
// four row pointers stay in registers. False when a value is NaN or infinite.
bool key_block(const float* const* rows, size_t cols, uint32_t* keys) {
  size_t vector_cols = 0;
  bool not_finite = false;
#if defined(__SSE2__)
  vector_cols = cols / 4 * 4;
  __m128i exponents = _mm_setzero_si128();
  for (size_t lane = 0; lane < kLanes; lane += 4) {
    const float* const four[4] = {rows[lane], rows[lane + 1], rows[lane + 2], rows[lane + 3]};
    for (size_t f = 0; f < vector_cols; f += 4) key_four_by_four(four, f, lane, keys, exponents);
  }
  not_finite = any_not_finite(exponents);
#endif
  for (size_t f = vector_cols; f < cols; ++f) {
    for (size_t r = 0; r < kLanes; ++r) {
      const float value = rows[r][f];
      not_finite |= (std::bit_cast<uint32_t>(value) & kExponentBits) == kExponentBits;
      keys[f * kLanes + r] = FlatForest::order_key(value);
    }
  }
  return !not_finite;
}

}  // namespace

void FlatForest::keyed_row(const float* values, std::vector<uint32_t>& keys) const {
  keys.resize(n_features_ * kKeyStride);
  for (size_t f = 0; f < n_features_; ++f) keys[f * kKeyStride] = order_key(values[f]);
}

namespace {

// Keys `blocks` blocks of rows from row `first` on, block b at keys +
// b·cols·kLanes. False when a value is NaN or infinite.
bool key_blocks(const FeatureMatrix& x, size_t first, size_t blocks, uint32_t* keys) {
  const float* rows[kLanes];
  bool finite = true;
  for (size_t b = 0; b < blocks; ++b) {
    const size_t start = first + b * kLanes;
    const size_t count = std::min(kLanes, x.rows - start);
    // Lanes past the last row repeat it (walked, unused).
    for (size_t r = 0; r < kLanes; ++r) rows[r] = x.row_data(start + std::min(r, count - 1));
    finite &= key_block(rows, x.cols, keys + b * x.cols * kLanes);
  }
  return finite;
}

}  // namespace

Result<void> FlatForest::path_length_sums(const FeatureMatrix& x, std::span<double> out) const {
  uint32_t at[kLanes];
  const size_t block_keys = x.cols * kLanes;
  const size_t per_pass = std::clamp<size_t>(
      kPassKeyBytes / std::max<size_t>(block_keys * sizeof(uint32_t), 1), 1, kBlocksPerPass);
  std::vector<uint32_t> keys(block_keys * per_pass);
  double sums[kBlocksPerPass][kLanes];
  for (size_t first = 0; first < x.rows; first += kLanes * per_pass) {
    const size_t blocks = std::min(per_pass, (x.rows - first + kLanes - 1) / kLanes);
    // A NaN or infinity keys past a leaf's threshold and would walk out of it.
    if (!key_blocks(x, first, blocks, keys.data()))
      return make_error(ErrorCode::kInvalidInput, "features must be finite (no NaN or infinity)");
    std::fill(&sums[0][0], &sums[0][0] + blocks * kLanes, 0.0);
    for (size_t t = 0; t < trees_.size(); ++t) {
      if (leaf_masks_.covers(t)) {
        leaf_masks_.add_path_lengths(t, keys.data(), block_keys, blocks, sums);
        continue;
      }
      for (size_t b = 0; b < blocks; ++b) {
        walk_lanes(words_.data(), trees_[t].root, trees_[t].depth, keys.data() + b * block_keys,
                   at);
        for (size_t r = 0; r < kLanes; ++r) sums[b][r] += leaf_path_length(at[r]);  // tree order
      }
    }
    const size_t count = std::min(kLanes * per_pass, x.rows - first);
    std::copy(&sums[0][0], &sums[0][0] + count, out.begin() + static_cast<ptrdiff_t>(first));
  }
  return {};
}

namespace {

// Walks G trees in lock-step for one row and adds their leaves' path lengths
// to `sum` in tree order (sklearn's float64 order). With G fixed the
// positions stay in registers.
template <size_t G>
void walk_trees(const uint32_t* words, const uint32_t* roots, uint32_t steps, const uint32_t* row,
                const double* leaf_path_length, double& sum) {
  uint32_t at[G];
  for (size_t i = 0; i < G; ++i) at[i] = roots[i];
  for (uint32_t step = 0; step < steps; ++step) {
#pragma GCC unroll 16
    for (size_t i = 0; i < G; ++i) {
      const uint32_t* n = words + at[i];
      at[i] = n[FlatForest::kFirstChildWord] + (n[0] < row[n[FlatForest::kFeatureWord]]);
    }
  }
  for (size_t i = 0; i < G; ++i) sum += leaf_path_length[words[at[i]] - FlatForest::kLeafKey];
}

}  // namespace

double FlatForest::path_length_sum(const float* values) const {
  // One lane of the batch layout (the other lanes' slots are never read).
  thread_local std::vector<uint32_t> keys;
  keyed_row(values, keys);
  const uint32_t* row = keys.data();
  double sum = 0.0;
  uint32_t roots[kTreeGroup];
  for (size_t first = 0; first < trees_.size(); first += kTreeGroup) {
    const size_t count = std::min(kTreeGroup, trees_.size() - first);
    uint32_t steps = 0;
    for (size_t i = 0; i < count; ++i) {
      roots[i] = trees_[first + i].root;
      steps = std::max(steps, trees_[first + i].depth);
    }
    if (count == kTreeGroup) {
      walk_trees<kTreeGroup>(words_.data(), roots, steps, row, leaf_path_length_.data(), sum);
    } else {
      for (size_t i = 0; i < count; ++i)
        walk_trees<1>(words_.data(), roots + i, trees_[first + i].depth, row,
                      leaf_path_length_.data(), sum);
    }
  }
  return sum;
}

double FlatForest::path_length_sum_splitting_off(const float* row, double p) const {
  if (p <= 0.0) return path_length_sum(row);
  const double q = 1.0 - p;
  double sum = 0.0;
  for (const Tree& tree : trees_) {
    uint32_t at = tree.root;
    uint32_t depth = 0;
    double reach = 1.0;  // (1 − p)^depth: the row not yet split off
    double expected = 0.0;
    while (words_[at + kFirstChildWord] != at) {
      expected += reach * p * static_cast<double>(depth + 1);
      reach *= q;
      const uint32_t feature = words_[at + kFeatureWord] / kKeyStride;
      at = words_[at + kFirstChildWord] + (words_[at] < order_key(row[feature]));
      ++depth;
    }
    sum += expected + reach * leaf_path_length(at);
  }
  return sum;
}

double FlatForest::score_from_sum(double path_length_sum) const {
  const double denominator = static_cast<double>(trees_.size()) * normaliser_;
  if (denominator == 0.0) return -0.5;  // ψ = 1: sklearn sets the exponent to −1
  return -std::pow(2.0, -(path_length_sum / denominator));
}

void FlatForest::add_shortfall_contributions(const float* row,
                                             std::span<double> per_feature) const {
  const double per_tree = 1.0 / static_cast<double>(trees_.size());
  for (const Tree& tree : trees_) {
    uint32_t at = tree.root;
    while (words_[at + kFirstChildWord] != at) {
      const uint32_t feature = words_[at + kFeatureWord] / kKeyStride;
      const uint32_t child = words_[at + kFirstChildWord] + (words_[at] < order_key(row[feature]));
      const double shortfall =
          anomaly::average_path_length(node_samples_[node_of(at)], formula_) - 1.0 -
          anomaly::average_path_length(node_samples_[node_of(child)], formula_);
      per_feature[feature] += shortfall * per_tree;
      at = child;
    }
  }
}

}  // namespace vigil::anomaly
