// IsolationForest's behaviour: determinism, sklearn's edge cases (constant
// data, ψ = 1, contamination), the grown trees' structure, and option errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "anomaly/flat_forest.h"
#include "anomaly/forest_fitting.h"
#include "anomaly/isolation_forest.h"
#include "anomaly/leaf_masks.h"
#include "anomaly/random.h"
#include "anomaly/sampling.h"
#include "anomaly/tree_grower.h"
#include "anomaly/unseen_values.h"

namespace vigil::anomaly {
namespace {

// n rows of d features uniform in [0, 1), from a fixed stream.
FeatureMatrix uniform_rows(size_t n, size_t d, uint64_t seed = 7) {
  Random rng(seed);
  FeatureMatrix x{n, d, {}};
  for (size_t i = 0; i < n * d; ++i) x.values.push_back(static_cast<float>(rng.unit()));
  return x;
}

std::vector<double> scores_of(const IsolationForest& f, const FeatureMatrix& x) {
  std::vector<double> s(x.rows);
  EXPECT_TRUE(f.score_samples(x, s).has_value());
  return s;
}

IsolationForestOptions seeded(uint64_t seed) {
  IsolationForestOptions o;
  o.seed = seed;
  return o;
}

TEST(IsolationForest, SameSeedSameForestOtherSeedOtherForest) {
  const auto x = uniform_rows(1000, 4);
  auto a = IsolationForest::fit(x, seeded(3));
  auto b = IsolationForest::fit(x, seeded(3));
  auto c = IsolationForest::fit(x, seeded(4));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(scores_of(*a, x), scores_of(*b, x));
  EXPECT_NE(scores_of(*a, x), scores_of(*c, x));
}

TEST(IsolationForest, ScoresStayInRangeAndAFarPointIsTheMostAnomalous) {
  auto x = uniform_rows(500, 3);
  x.values[0] = x.values[1] = x.values[2] = 25.0f;  // row 0 far from the unit cube
  auto f = IsolationForest::fit(x, seeded(0));
  ASSERT_TRUE(f.has_value());
  const auto s = scores_of(*f, x);
  for (const double v : s) {
    EXPECT_LT(v, 0.0);
    EXPECT_GE(v, -1.0);
  }
  EXPECT_EQ(std::min_element(s.begin(), s.end()) - s.begin(), 0);
  std::vector<int8_t> p(x.rows);
  ASSERT_TRUE(f->predict(x, p).has_value());
  EXPECT_EQ(p[0], -1);
}

// Constant data: every tree is one leaf of ψ rows, so every score is
// −2^(−Σ c(ψ) / (T·c(ψ))) ≈ −0.5 — but the float64 sum of T leaves is not
// exactly T·c(ψ), and predict's strict `< 0` then depends on the last bit.
// Expected values measured with Debian's scikit-learn 1.2.1
// (IsolationForest(random_state=0).fit(np.full((n, 2), 1.5)), float.hex of
// score_samples and predict): the README's "every predict +1" holds only for
// some n. Scores agree within an ulp or two, not always bit for bit: numpy
// on this AVX-512 CPU computes log and power with its own SIMD kernels,
// which differ from glibc's in the last bits (the same cause as cardio's
// non-identical rows); predict agrees in every case.
TEST(IsolationForest, ConstantTrainingDataMatchesSklearnToTheLastBit) {
  struct Case {
    size_t rows;
    double score;
    int8_t predict;
  };
  for (const Case& k :
       {Case{2, -0x1.0000000000000p-1, 1}, Case{3, -0x1.ffffffffffff7p-2, 1},
        Case{10, -0x1.0000000000005p-1, -1}, Case{100, -0x1.ffffffffffff8p-2, 1},
        Case{300, -0x1.0000000000006p-1, -1}, Case{1000, -0x1.0000000000006p-1, -1}}) {
    FeatureMatrix x{k.rows, 2, std::vector<float>(2 * k.rows, 1.5f)};
    auto f = IsolationForest::fit(x, seeded(0));
    ASSERT_TRUE(f.has_value());
    const std::vector<float> far{-100.0f, 7.0f};
    const double s = *f->score_sample(far);
    EXPECT_NEAR(s, k.score, 4e-16) << k.rows << " rows";
    EXPECT_EQ(f->predict_from_score(s), k.predict) << k.rows << " rows";
  }
}

TEST(IsolationForest, OneSamplePerTreeGivesMinusHalf) {
  const auto x = uniform_rows(50, 2);
  auto o = seeded(0);
  o.max_samples = MaxSamples::count(1);
  auto f = IsolationForest::fit(x, o);
  ASSERT_TRUE(f.has_value());
  for (const double v : scores_of(*f, x)) EXPECT_EQ(v, -0.5);
}

TEST(IsolationForest, AutoOffsetIsMinusHalfAndPredictIsStrict) {
  const auto x = uniform_rows(300, 2);
  auto f = IsolationForest::fit(x, seeded(1));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->offset(), -0.5);
  EXPECT_EQ(f->predict_from_score(-0.5), 1);  // decision 0 is not an anomaly
  EXPECT_EQ(f->predict_from_score(std::nextafter(-0.5, -1.0)), -1);
}

TEST(IsolationForest, ContaminationPutsTheOffsetAtThatPercentileOfTrainingScores) {
  const auto x = uniform_rows(1000, 3);
  auto o = seeded(2);
  o.contamination = Contamination::share(0.1);
  auto f = IsolationForest::fit(x, o);
  ASSERT_TRUE(f.has_value());
  const auto s = scores_of(*f, x);
  EXPECT_EQ(f->offset(), linear_percentile(s, 10.0));
  std::vector<int8_t> p(x.rows);
  ASSERT_TRUE(f->predict(x, p).has_value());
  // numpy's 10th percentile of 1000 values lies between the 100th and 101st
  // smallest, so exactly 100 rows fall strictly below it (scores are distinct here).
  EXPECT_EQ(std::count(p.begin(), p.end(), -1), 100);
}

TEST(LinearPercentile, MatchesNumpy) {
  // numpy.percentile([1, 2, 3, 4], q) for q = 0, 10, 50, 75, 100.
  const std::vector<double> v{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(linear_percentile(v, 0), 1.0);
  EXPECT_DOUBLE_EQ(linear_percentile(v, 10), 1.3);
  EXPECT_DOUBLE_EQ(linear_percentile(v, 50), 2.5);
  EXPECT_DOUBLE_EQ(linear_percentile(v, 75), 3.25);
  EXPECT_DOUBLE_EQ(linear_percentile(v, 100), 4.0);
}

TEST(TreeGrowing, TreesRespectSklearnStructure) {
  const auto x = uniform_rows(2000, 5);
  IsolationForestOptions o = seeded(9);
  o.n_estimators = 20;
  auto plan = plan_fit(x, o);
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->max_samples, 256u);
  EXPECT_EQ(plan->max_depth, 8u);
  auto trees = grow_trees(x, *plan, o);
  ASSERT_TRUE(trees.has_value());
  for (const TreeNodes& tree : *trees) {
    EXPECT_EQ(tree[0].n_samples, 256u);
    std::vector<uint32_t> depth(tree.size(), 0);
    uint32_t leaf_samples = 0;
    for (size_t i = 0; i < tree.size(); ++i) {
      const TreeNode& n = tree[i];
      if (n.is_leaf()) {
        leaf_samples += n.n_samples;
        EXPECT_TRUE(n.n_samples == 1 || depth[i] == 8) << "a leaf of several rows below the limit";
        continue;
      }
      EXPECT_LT(depth[i], 8u);
      EXPECT_EQ(tree[n.left].n_samples + tree[n.right].n_samples, n.n_samples);
      EXPECT_GT(tree[n.left].n_samples, 0u);  // threshold in [min, max): both sides non-empty
      EXPECT_GT(tree[n.right].n_samples, 0u);
      depth[n.left] = depth[n.right] = depth[i] + 1;
    }
    EXPECT_EQ(leaf_samples, 256u);
  }
}

// Rows with ties, a constant column and duplicates, so that some leaves hold
// several rows (those add c(n_leaf)) and some nodes drop constant columns.
FeatureMatrix rows_with_ties(size_t n) {
  Random rng(11);
  FeatureMatrix x{n, 4, {}};
  for (size_t i = 0; i < n; ++i) {
    x.values.push_back(static_cast<float>(rng.below(5)));           // 5 values
    x.values.push_back(1.0f);                                       // constant
    x.values.push_back(static_cast<float>(rng.unit()));             // continuous
    x.values.push_back(i % 7 == 0 ? 0.5f : static_cast<float>(i));  // duplicates
  }
  return x;
}

TEST(TreeGrowing, TrainingPathSumsFromGrowingAreWhatScoringGives) {
  const auto x = rows_with_ties(600);
  for (const uint32_t trees_count : {20u, 3u}) {
    IsolationForestOptions o = seeded(4);
    o.n_estimators = trees_count;
    o.max_samples = MaxSamples::count(600);  // every tree holds every row
    auto plan = plan_fit(x, o);
    ASSERT_TRUE(plan.has_value());
    std::vector<double> from_growing;
    auto trees = grow_trees(x, *plan, o, &from_growing);
    ASSERT_TRUE(trees.has_value());
    ASSERT_EQ(from_growing.size(), x.rows);
    auto forest = FlatForest::compile(*trees, x.cols, plan->max_samples, o.path_length);
    ASSERT_TRUE(forest.has_value());
    std::vector<double> walked(x.rows);
    ASSERT_TRUE(forest->path_length_sums(x, walked).has_value());
    size_t multi_row_leaves = 0;
    for (const TreeNodes& tree : *trees) {
      for (const TreeNode& n : tree) multi_row_leaves += n.is_leaf() && n.n_samples > 1;
    }
    EXPECT_GT(multi_row_leaves, 0u);
    for (size_t r = 0; r < x.rows; ++r) {
      ASSERT_EQ(from_growing[r], walked[r]) << "row " << r << ", " << trees_count << " trees";
    }
  }
  // A subsample or a bootstrap: not every row is in every tree, no sums.
  IsolationForestOptions o = seeded(4);
  o.max_samples = MaxSamples::count(300);
  std::vector<double> sums{1.0};
  ASSERT_TRUE(grow_trees(x, *plan_fit(x, o), o, &sums).has_value());
  EXPECT_TRUE(sums.empty());
  o.max_samples = MaxSamples::count(600);
  o.bootstrap = true;
  ASSERT_TRUE(grow_trees(x, *plan_fit(x, o), o, &sums).has_value());
  EXPECT_TRUE(sums.empty());
}

TEST(TreeGrowing, ReadingATransposedCopyOrXInPlaceGrowsTheSameTree) {
  // The same sample and random stream, read from x or from its transposed copy.
  const auto x = rows_with_ties(500);
  auto columns = transpose(x);
  ASSERT_TRUE(columns.has_value());
  for (const uint64_t seed : {1u, 2u, 3u}) {
    Random pick(seed);
    TreeSample sample;
    sample.x = &x;
    sample.features = {0, 1, 2, 3};
    sample.rows = sample_indices(x.rows, 300, false, pick);
    Random a_rng(seed, 7), b_rng(seed, 7);
    auto in_place = grow_isolation_tree(sample, 9, a_rng);
    sample.columns = columns->data();
    auto transposed = grow_isolation_tree(sample, 9, b_rng);
    ASSERT_TRUE(in_place.has_value() && transposed.has_value());
    const TreeNodes& a = *in_place;
    const TreeNodes& b = *transposed;
    ASSERT_EQ(a.size(), b.size()) << "seed " << seed;
    EXPECT_GT(a.size(), 1u);
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].left, b[i].left);
      EXPECT_EQ(a[i].feature, b[i].feature);
      EXPECT_EQ(a[i].threshold, b[i].threshold);
      EXPECT_EQ(a[i].n_samples, b[i].n_samples);
    }
  }
}

TEST(TreeGrowing, ANonFiniteValueNamesItsRowEitherWay) {
  auto x = rows_with_ties(500);
  x.values[123 * x.cols + 2] = std::nanf("");
  for (const uint32_t psi : {500u, 256u}) {  // ψ = n: transposed copy; else x in place
    IsolationForestOptions o = seeded(1);
    o.n_estimators = 40;
    o.max_samples = MaxSamples::count(psi);
    auto trees = grow_trees(x, *plan_fit(x, o), o);
    ASSERT_FALSE(trees.has_value()) << "psi " << psi;
    EXPECT_NE(trees.error().message.find("row 123 "), std::string::npos) << trees.error().message;
  }
}

TEST(TreeGrowing, MaxFeaturesLimitsEachTreeToItsDrawnColumns) {
  const auto x = uniform_rows(500, 6);
  IsolationForestOptions o = seeded(5);
  o.max_features = MaxFeatures::count(1);
  auto plan = plan_fit(x, o);
  auto trees = grow_trees(x, *plan, o);
  ASSERT_TRUE(trees.has_value());
  std::vector<bool> used(6, false);
  for (const TreeNodes& tree : *trees) {
    int32_t feature = -1;
    for (const TreeNode& n : tree) {
      if (n.is_leaf()) continue;
      if (feature == -1) feature = n.feature;
      EXPECT_EQ(n.feature, feature);
    }
    used[static_cast<size_t>(feature)] = true;
  }
  EXPECT_EQ(std::count(used.begin(), used.end(), true), 6);  // 100 trees draw every column
}

TEST(IsolationForest, BootstrapIsDeterministicToo) {
  const auto x = uniform_rows(400, 2);
  auto o = seeded(11);
  o.bootstrap = true;
  auto a = IsolationForest::fit(x, o);
  auto b = IsolationForest::fit(x, o);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(scores_of(*a, x), scores_of(*b, x));
}

TEST(IsolationForest, RejectsBadOptionsAndInput) {
  const auto x = uniform_rows(100, 2);
  auto with = [&](auto change) {
    auto o = seeded(0);
    change(o);
    return IsolationForest::fit(x, o).has_value();
  };
  EXPECT_FALSE(with([](auto& o) { o.n_estimators = 0; }));
  EXPECT_FALSE(with([](auto& o) { o.contamination = Contamination::share(0.6); }));
  EXPECT_FALSE(with([](auto& o) { o.contamination = Contamination::share(0.0); }));
  EXPECT_FALSE(with([](auto& o) { o.max_features = MaxFeatures::count(3); }));
  EXPECT_FALSE(with([](auto& o) { o.max_features = MaxFeatures::fraction(0.0); }));
  EXPECT_FALSE(with([](auto& o) { o.max_samples = MaxSamples::fraction(0.001); }));
  EXPECT_TRUE(with([](auto& o) { o.max_samples = MaxSamples::count(5000); }));  // capped at n
  EXPECT_FALSE(IsolationForest::fit(FeatureMatrix{}, seeded(0)).has_value());
  FeatureMatrix with_nan{2, 1, {1.0f, std::nanf("")}};
  EXPECT_FALSE(IsolationForest::fit(with_nan, seeded(0)).has_value());

  auto f = IsolationForest::fit(x, seeded(0));
  ASSERT_TRUE(f.has_value());
  std::vector<double> out(1);
  EXPECT_FALSE(f->score_samples(FeatureMatrix{1, 3, {0, 0, 0}}, out).has_value());
  EXPECT_FALSE(f->score_samples(FeatureMatrix{1, 2, {0, INFINITY}}, out).has_value());
  const std::vector<float> short_row{0.5f};
  EXPECT_FALSE(f->score_sample(short_row).has_value());
}

// The finiteness check reads the float's exponent bits: every NaN and both
// infinities are refused by each scoring entry point, in any position of a
// wide matrix (the batch checks while keying: four features of four rows at a
// time, the 37th feature alone, blocks of 16 rows, passes of 128); the
// largest, smallest and subnormal floats and −0 are values.
TEST(IsolationForest, EveryScoringPathRefusesNonFiniteValuesAndOnlyThose) {
  const auto x = uniform_rows(300, 37);
  auto f = IsolationForest::fit(x, seeded(0));
  ASSERT_TRUE(f.has_value());
  const auto held = UnseenValues::from_held({{36, 0.5f}}, 37);
  ASSERT_TRUE(held.has_value());
  // Puts v at flat position `at` and scores through each entry point; true
  // when every one accepted it, false when every one refused it.
  const auto accepted = [&](float v, size_t at) {
    FeatureMatrix m = x;
    m.values[at] = v;
    std::vector<double> out(m.rows);
    const std::span<const float> row(m.values.data() + (at / 37) * 37, 37);
    const bool batch = f->score_samples(m, out).has_value();
    const bool one = f->score_sample(row).has_value();
    const bool with_unseen = f->score_sample(row, *held).has_value();
    EXPECT_EQ(batch, one) << v << " at " << at;
    EXPECT_EQ(batch, with_unseen) << v << " at " << at;
    return batch;
  };
  // Row 0's first and 37th features; rows 150 (lane 6 of its block) and 128
  // (the second pass's first) in the four-by-four keying; the last row (lane
  // 11 of the last, short block) in both.
  for (const size_t at : {size_t{0}, size_t{36}, size_t{150 * 37 + 17}, size_t{128 * 37 + 3},
                          size_t{299 * 37 + 5}, size_t{300 * 37 - 1}}) {
    for (const float v : {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY})
      EXPECT_FALSE(accepted(v, at)) << v << " at " << at;
    for (const float v : {FLT_MAX, -FLT_MAX, FLT_MIN, 1e-45f, -0.0f})
      EXPECT_TRUE(accepted(v, at)) << v << " at " << at;
  }
}

}  // namespace
}  // namespace vigil::anomaly

namespace vigil::anomaly {
namespace {

// Σ over trees of (depth + 1) + c(n_leaf) − 1, walking the grown trees as
// sklearn does: left iff (double)x <= threshold.
double naive_path_length_sum(const std::vector<TreeNodes>& trees, std::span<const float> row) {
  double sum = 0.0;
  for (const TreeNodes& tree : trees) {
    size_t at = 0, depth = 0;
    while (!tree[at].is_leaf()) {
      const TreeNode& n = tree[at];
      at = static_cast<double>(row[n.feature]) <= n.threshold ? n.left : n.right;
      ++depth;
    }
    sum += static_cast<double>(depth + 1) + average_path_length(tree[at].n_samples) - 1.0;
  }
  return sum;
}

// The batch's sums equal the naive walk's bit for bit, by leaf masks (where
// the CPU has them) and by the lane walk alone.
void expect_naive_sums_in_both_batch_kernels(FlatForest forest, const std::vector<TreeNodes>& trees,
                                             const FeatureMatrix& rows) {
  for (const bool masks : {true, false}) {
    if (!masks) forest.drop_leaf_masks();
    std::vector<double> batch(rows.rows);
    ASSERT_TRUE(forest.path_length_sums(rows, batch).has_value());
    for (size_t i = 0; i < rows.rows; ++i) {
      ASSERT_EQ(batch[i], naive_path_length_sum(trees, rows.row(i)))
          << "row " << i << (masks && forest.has_leaf_masks() ? ", leaf masks" : ", walked");
    }
  }
}

// 31 trees: an odd count leaves the last root's pair half empty (the layout
// pairs the roots of neighbouring trees); 6 features: the batch keys four at
// a time and the rest one by one.
TEST(ScoringKernels, BatchAndSingleRowWalksMatchANaiveWalkBitForBit) {
  const auto x = uniform_rows(3000, 6);
  for (const uint32_t psi : {256u, 2048u}) {  // depth 8 and 11
    IsolationForestOptions o = seeded(psi);
    o.n_estimators = 31;
    o.max_samples = MaxSamples::count(psi);
    auto plan = plan_fit(x, o);
    auto trees = grow_trees(x, *plan, o);
    ASSERT_TRUE(trees.has_value());
    auto forest = FlatForest::compile(*trees, x.cols, psi, PathLengthFormula::kLogApproximation);
    ASSERT_TRUE(forest.has_value());
    FeatureMatrix probe{301, x.cols, {x.values.begin(), x.values.begin() + 301 * 6}};
    expect_naive_sums_in_both_batch_kernels(*forest, *trees, probe);
    for (size_t i = 0; i < probe.rows; ++i) {
      ASSERT_EQ(forest->path_length_sum(probe.row_data(i)),
                naive_path_length_sum(*trees, probe.row(i)))
          << "psi " << psi;
    }
  }
}

// Leaf masks hold 64 leaves a word and cover trees of up to 256 leaves; the
// rest of a forest is walked. One forest of ψ 256 trees (some past 64
// leaves: two words) and ψ 2,048 trees (~1,000 leaves: walked), interleaved.
TEST(ScoringKernels, LeafMasksOfSeveralWordsAndWalkedTreesSumInTreeOrder) {
  const auto x = uniform_rows(3000, 5);
  std::vector<TreeNodes> trees;
  for (const uint32_t psi : {256u, 2048u}) {
    IsolationForestOptions o = seeded(psi + 1);
    o.n_estimators = 12;
    o.max_samples = MaxSamples::count(psi);
    auto grown = grow_trees(x, *plan_fit(x, o), o);
    ASSERT_TRUE(grown.has_value());
    for (size_t t = 0; t < grown->size(); ++t)
      trees.insert(
          trees.begin() + static_cast<ptrdiff_t>(std::min(2 * t + (psi == 2048), trees.size())),
          (*grown)[t]);
  }
  size_t two_words = 0, walked = 0;
  for (const TreeNodes& tree : trees) {
    const auto leaves =
        std::count_if(tree.begin(), tree.end(), [](const TreeNode& n) { return n.is_leaf(); });
    two_words += leaves > 64 && leaves <= 128;
    walked += leaves > 256;
  }
  ASSERT_GT(two_words, 0u);
  ASSERT_EQ(walked, 12u);
  auto forest = FlatForest::compile(trees, x.cols, 256, PathLengthFormula::kLogApproximation);
  ASSERT_TRUE(forest.has_value());
  EXPECT_EQ(forest->has_leaf_masks(), LeafMasks::supported());
  // The masks take a pass's blocks of 16 rows together: 1 to 8 blocks (the
  // last one short), and 200 rows: passes of 8 and 5 blocks.
  for (const size_t rows : {5, 21, 37, 53, 69, 85, 101, 128, 200}) {
    FeatureMatrix probe{rows, x.cols, {x.values.begin(), x.values.begin() + rows * 5}};
    expect_naive_sums_in_both_batch_kernels(*forest, trees, probe);
  }
}

// Hand-built trees whose thresholds sit at signs, zeros and the extremes,
// scored by the batch's leaf masks, by its walk (whose first steps compare
// four lanes at a time with the keys' top bit flipped) and one row at a time,
// against the floats' own comparisons: every value against every threshold, at the root, at a
// child and below, with a leaf child and a one-leaf tree among them.
TEST(ScoringKernels, SignsAndZerosSplitAsTheFloatsDoInTheBatchAndOneRow) {
  const std::vector<float> values{-FLT_MAX,      -1.5f, -1.0f, -FLT_MIN,
                                  -FLT_TRUE_MIN, -0.0f, 0.0f,  FLT_TRUE_MIN,
                                  FLT_MIN,       1.0f,  1.5f,  FLT_MAX};
  const std::vector<double> thresholds{-1.5, -1.0, -1e-300, -0.0, 0.0, 1e-45, 1.0, 1.5};
  FeatureMatrix x{0, 3, {}};
  for (const float a : values) {
    for (const float b : values) {
      x.values.insert(x.values.end(), {a, b, values[(x.rows * 5) % values.size()]});
      ++x.rows;
    }
  }
  const auto split = [](int32_t left, int32_t feature, double threshold, uint32_t n) {
    return TreeNode{left, left + 1, feature, threshold, n};
  };
  const auto leaf = [](uint32_t n) { return TreeNode{-1, -1, -1, 0.0, n}; };
  std::vector<TreeNodes> trees;
  for (size_t i = 0; i < thresholds.size(); ++i) {
    const double t = thresholds[i];
    const double u = thresholds[(i + 3) % thresholds.size()];
    // Depth 3 on the left, a leaf on the right.
    trees.push_back({split(1, 0, t, 40), split(3, 1, u, 30), leaf(10), split(5, 2, t, 20), leaf(10),
                     leaf(12), leaf(8)});
    // A leaf on the left, depth 2 on the right.
    trees.push_back({split(1, 1, u, 40), leaf(5), split(3, 0, -t, 35), leaf(20), leaf(15)});
  }
  trees.push_back({split(1, 2, 0.0, 9), leaf(4), leaf(5)});  // depth 1
  trees.push_back({leaf(7)});                                // one leaf
  auto forest = FlatForest::compile(trees, x.cols, 64, PathLengthFormula::kLogApproximation);
  ASSERT_TRUE(forest.has_value()) << forest.error().message;
  EXPECT_EQ(forest->has_leaf_masks(), LeafMasks::supported());
  expect_naive_sums_in_both_batch_kernels(*forest, trees, x);
  for (size_t i = 0; i < x.rows; ++i) {
    ASSERT_EQ(forest->path_length_sum(x.row_data(i)), naive_path_length_sum(trees, x.row(i)))
        << "row " << i;
  }
}

// A step compares keys, so for every pair of row value x and threshold t the
// keys must decide x > t as the floats do: signs, both zeros, subnormals,
// the extremes and +inf (a row's NaN never reaches the walk).
TEST(ScoringKernels, KeysCompareAsTheFloatsDo) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> values{-inf,          -FLT_MAX, -1.5f,   -1.0f,        -FLT_MIN,
                                  -FLT_TRUE_MIN, -0.0f,    0.0f,    FLT_TRUE_MIN, FLT_MIN,
                                  1.0f,          1.5f,     FLT_MAX, inf};
  for (const float x : values) {
    for (const float t : values) {
      if (t == inf || t == -inf) continue;  // thresholds are finite
      EXPECT_EQ(FlatForest::order_key(x) > FlatForest::threshold_key(t), x > t)
          << "x " << x << " t " << t;
    }
    EXPECT_LE(FlatForest::order_key(x), FlatForest::kLeafKey) << x;  // leaves hold every row
  }
}

// The forest holds 12 bytes a node for the walk (and 8 to complete the last
// sibling pair when the count of nodes is odd), 4 for the node's training
// rows (explanations) and each distinct leaf path length once, without
// slack; and compiling from moved trees frees them and lays out the same
// forest.
TEST(FlatForestMemory, LeavesShareTheirPathLengthsAndMovedTreesAreFreed) {
  const auto x = uniform_rows(3000, 4);
  IsolationForestOptions o = seeded(9);
  o.n_estimators = 20;
  o.max_samples = MaxSamples::count(2048);
  auto plan = plan_fit(x, o);
  auto trees = grow_trees(x, *plan, o);
  ASSERT_TRUE(trees.has_value());
  size_t nodes = 0, leaves = 0;
  for (const TreeNodes& tree : *trees) {
    nodes += tree.size();
    for (const TreeNode& n : tree) leaves += n.is_leaf();
  }
  auto kept = FlatForest::compile(*trees, x.cols, 2048, PathLengthFormula::kLogApproximation);
  ASSERT_TRUE(kept.has_value());
  std::vector<TreeNodes> moved = *trees;
  auto freed =
      FlatForest::compile(std::move(moved), x.cols, 2048, PathLengthFormula::kLogApproximation);
  ASSERT_TRUE(freed.has_value());
  EXPECT_TRUE(moved.empty());
  EXPECT_EQ(moved.capacity(), 0u);
  EXPECT_EQ(freed->leaf_count(), leaves);
  EXPECT_GT(nodes, leaves);
  // Depth (at most 11 for 2,048 samples) and the leaf's sample count make a
  // path length: far fewer distinct values than leaves.
  std::set<std::pair<uint32_t, uint32_t>> kinds;
  for (const TreeNodes& tree : *trees) {
    std::vector<uint32_t> depth(tree.size(), 0);
    for (size_t i = 0; i < tree.size(); ++i) {
      if (tree[i].is_leaf()) {
        kinds.insert({depth[i], tree[i].n_samples});
      } else {
        depth[static_cast<size_t>(tree[i].left)] = depth[i] + 1;
        depth[static_cast<size_t>(tree[i].right)] = depth[i] + 1;
      }
    }
  }
  EXPECT_EQ(freed->distinct_leaf_path_lengths(), kinds.size());
  EXPECT_LT(kinds.size() * 10, leaves);
  EXPECT_EQ(freed->memory_bytes(),
            nodes * 16 + nodes % 2 * 8 + kinds.size() * 8 + trees->size() * 8);
  EXPECT_EQ(kept->memory_bytes(), freed->memory_bytes());
  FeatureMatrix probe{500, x.cols, {x.values.begin(), x.values.begin() + 500 * 4}};
  std::vector<double> a(probe.rows), b(probe.rows);
  ASSERT_TRUE(kept->path_length_sums(probe, a).has_value());
  ASSERT_TRUE(freed->path_length_sums(probe, b).has_value());
  EXPECT_EQ(a, b);
  for (size_t i = 0; i < probe.rows; ++i)
    ASSERT_EQ(freed->path_length_sum(probe.row_data(i)),
              naive_path_length_sum(*trees, probe.row(i)));
}

}  // namespace
}  // namespace vigil::anomaly
