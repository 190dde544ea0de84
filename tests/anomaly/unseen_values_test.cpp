// Values the training rows held constant: a hand-written tree whose expected
// path length is worked out here, a fitted forest that cannot see a new
// value without them, and the text form model files use.
#include "anomaly/unseen_values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <sstream>

#include "anomaly/isolation_forest.h"
#include "anomaly/random.h"
#include "anomaly/sklearn_export.h"
#include "hand_tree.h"

namespace vigil::anomaly {
namespace {

using handmade::c;

UnseenValues feature_two_held_at_zero() {
  auto u = UnseenValues::from_held({{2, 0.0f}}, 3);
  EXPECT_TRUE(u.has_value());
  return *u;
}

TEST(UnseenValues, TheHeldValueScoresAsTheTreesSay) {
  const auto forest = handmade::hand_tree(3);  // feature 2 never split on
  const std::vector<float> row{1.0f, 1.0f, 0.0f};
  auto plain = forest.score_sample(row);
  auto with = forest.score_sample(row, feature_two_held_at_zero());
  ASSERT_TRUE(plain && with);
  EXPECT_EQ(*plain, *with);
  EXPECT_EQ(*plain, *forest.score_sample(row, UnseenValues{}));
}

TEST(UnseenValues, AnotherValueIsSplitOffAlongThePath) {
  const auto forest = handmade::hand_tree(3);      // feature 2 never split on
  const std::vector<float> row{1.0f, 1.0f, 7.0f};  // root -> node -> leaf of 2 at depth 2
  // Two features vary in training, one more now: split off with p = 1/3 at
  // each of the two nodes, else the leaf's 2 + c(2).
  const double p = 1.0 / 3, q = 1 - p;
  const double expected = p * 1 + q * p * 2 + q * q * (2 + c(2));
  auto score = forest.score_sample(row, feature_two_held_at_zero());
  ASSERT_TRUE(score);
  EXPECT_NEAR(*score, -std::pow(2.0, -expected / c(4)), 1e-15);
  EXPECT_LT(*score, *forest.score_sample(row));  // more anomalous than the trees alone say

  auto e = forest.explain(row, feature_two_held_at_zero());
  ASSERT_TRUE(e);
  EXPECT_NEAR(e->expected_path_length, expected, 1e-15);
  EXPECT_NEAR(e->score, *score, 1e-15);
  double total = 0;
  for (const auto& fc : e->contributions) total += fc.shortfall;
  EXPECT_NEAR(total, c(4) - expected, 1e-12);  // still the whole shortfall
  ASSERT_EQ(e->contributions[0].feature, 2u);  // the unseen value explains most of it
  EXPECT_NEAR(e->contributions[0].shortfall, 2 + c(2) - expected, 1e-12);
}

TEST(UnseenValues, FoundInTrainingRowsAndWrittenAsText) {
  FeatureMatrix x{3, 3, {1, 0, 5, 2, 0, 5, 3, 0, 5}};
  const auto u = UnseenValues::of_training_rows(x);
  ASSERT_EQ(u.held().size(), 2u);
  EXPECT_EQ(u.held()[0].feature, 1u);
  EXPECT_EQ(u.held()[1].value, 5.0f);
  EXPECT_EQ(u.to_text(), "1:0,2:5");
  EXPECT_DOUBLE_EQ(u.split_off_chance(1), 1.0 / 2);  // one varying feature, one unseen
  EXPECT_EQ(u.split_off_chance(0), 0.0);

  const auto fraction = UnseenValues::from_held({{0, 0.1f}}, 3);
  ASSERT_TRUE(fraction);
  auto back = UnseenValues::from_text(fraction->to_text(), 3);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->held()[0].value, 0.1f);  // bit for bit
  EXPECT_TRUE(UnseenValues::from_text("", 3)->held().empty());
  EXPECT_FALSE(UnseenValues::from_text("3:0", 3));      // no such feature
  EXPECT_FALSE(UnseenValues::from_text("1:0,1:2", 3));  // twice
  EXPECT_FALSE(UnseenValues::from_text("1:x", 3));
  EXPECT_FALSE(UnseenValues::from_text("1", 3));
}

// Feature 1 is 0 in every training row: the trees cannot tell a row with 1
// there from one with 0, with the held values they can.
TEST(UnseenValues, AFittedForestSeesANewFlag) {
  Random random(3);
  FeatureMatrix x{2000, 3, {}};
  for (size_t i = 0; i < x.rows; ++i) {
    x.values.push_back(static_cast<float>(random.unit()));
    x.values.push_back(0.0f);
    x.values.push_back(static_cast<float>(random.unit()));
  }
  IsolationForestOptions options;
  options.contamination = Contamination::share(0.01);
  options.seed = 5;
  auto forest = IsolationForest::fit(x, options);
  ASSERT_TRUE(forest) << forest.error().message;
  const auto unseen = UnseenValues::of_training_rows(x);
  ASSERT_EQ(unseen.held().size(), 1u);
  const std::vector<float> usual{0.5f, 0.0f, 0.5f}, flagged{0.5f, 1.0f, 0.5f};
  EXPECT_EQ(*forest->score_sample(flagged), *forest->score_sample(usual));  // blind
  const double score = *forest->score_sample(flagged, unseen);
  EXPECT_EQ(forest->predict_from_score(*forest->score_sample(usual, unseen)), 1);
  EXPECT_EQ(forest->predict_from_score(score), -1);
  // Beyond every training row: none scores as low.
  std::vector<double> scores(x.rows);
  ASSERT_TRUE(forest->score_samples(x, scores));
  EXPECT_LT(score, *std::min_element(scores.begin(), scores.end()));
}

}  // namespace
}  // namespace vigil::anomaly
