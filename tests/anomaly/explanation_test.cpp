// Explanations on cases whose answer is known: a hand-written tree, and a
// data set where only one feature can tell the anomaly apart.
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
using handmade::hand_tree;

TEST(Explanation, OneSplitIsolatesTheRow) {
  const std::vector<float> row{0.0f, 0.0f};  // root -> left leaf (1 row): h = 1
  auto e = hand_tree().explain(row);
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->expected_path_length, 1.0);
  EXPECT_DOUBLE_EQ(e->average_path_length, c(4));
  ASSERT_EQ(e->contributions.size(), 2u);
  EXPECT_EQ(e->contributions[0].feature, 1u);
  EXPECT_DOUBLE_EQ(e->contributions[0].shortfall, c(4) - 1.0);  // c(4) − 1 − c(1)
  EXPECT_EQ(e->contributions[1].feature, 0u);
  EXPECT_EQ(e->contributions[1].shortfall, 0.0);
  EXPECT_DOUBLE_EQ(e->score, -std::pow(2.0, -1.0 / c(4)));
}

TEST(Explanation, TwoSplitsShareTheShortfall) {
  const std::vector<float> row{1.0f, 1.0f};  // root -> right (3) -> right leaf (2): h = 2 + c(2)
  auto e = hand_tree().explain(row);
  ASSERT_TRUE(e.has_value());
  EXPECT_DOUBLE_EQ(e->expected_path_length, 3.0);
  std::vector<double> by_feature(2);
  for (const auto& fc : e->contributions) by_feature[fc.feature] = fc.shortfall;
  EXPECT_DOUBLE_EQ(by_feature[1], c(4) - 1.0 - c(3));
  EXPECT_DOUBLE_EQ(by_feature[0], c(3) - 1.0 - c(2));
  EXPECT_NEAR(by_feature[0] + by_feature[1], c(4) - 3.0, 1e-12);
}

TEST(Explanation, OnlyTheFeatureThatVariesCanExplain) {
  // f0 uniform in [0, 1), f1 constant: no tree can split on f1.
  Random rng(1);
  FeatureMatrix x{512, 2, {}};
  for (size_t i = 0; i < x.rows; ++i) {
    x.values.push_back(static_cast<float>(rng.unit()));
    x.values.push_back(3.0f);
  }
  auto f = IsolationForest::fit(x, IsolationForestOptions{});
  ASSERT_TRUE(f.has_value());
  const std::vector<float> outlier{40.0f, 3.0f};
  auto e = f->explain(outlier);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->contributions[0].feature, 0u);
  EXPECT_EQ(e->contributions[1].shortfall, 0.0);
  EXPECT_NEAR(e->contributions[0].shortfall, e->total_shortfall(), 1e-9);
  EXPECT_GT(e->total_shortfall(), 0.0);
}

TEST(Explanation, TheOddFeatureRanksFirstAndContributionsAddUp) {
  // Four noisy features; the probe is typical in all but f2.
  Random rng(2);
  FeatureMatrix x{2000, 4, {}};
  for (size_t i = 0; i < x.rows * x.cols; ++i) x.values.push_back(static_cast<float>(rng.unit()));
  auto f = IsolationForest::fit(x, IsolationForestOptions{});
  ASSERT_TRUE(f.has_value());
  const std::vector<float> probe{0.5f, 0.5f, 6.0f, 0.5f};
  auto e = f->explain(probe);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->contributions[0].feature, 2u);
  double total = 0.0;
  for (const auto& fc : e->contributions) total += fc.shortfall;
  EXPECT_NEAR(total, e->total_shortfall(), 1e-9);
  EXPECT_NEAR(e->score, -std::pow(2.0, -e->expected_path_length / e->average_path_length), 1e-12);
  const std::vector<std::string> names{"hour_sin", "hour_cos", "bytes_out_log", "rate"};
  const std::string text = describe(*e, probe, names, 2);
  EXPECT_NE(text.find("bytes_out_log=6"), std::string::npos) << text;
  EXPECT_EQ(text.find("isolated in"), 0u) << text;
}

}  // namespace
}  // namespace vigil::anomaly
