// ROC AUC with ties, on cases whose answer is known by hand.
#include "anomaly/roc_auc.h"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::anomaly {
namespace {

TEST(RocAuc, ScikitLearnDocumentationExample) {
  // sklearn.metrics.roc_auc_score docs: y = [0, 0, 1, 1], scores [.1, .4, .35, .8] -> 0.75.
  std::vector<double> s{0.1, 0.4, 0.35, 0.8};
  std::vector<int8_t> y{0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(*roc_auc(s, y), 0.75);
}

TEST(RocAuc, TiesBetweenClassesCountOneHalf) {
  // Pairs (anomaly, normal): (1,1) tie = .5, (1,0) = 1, (2,1) = 1, (2,0) = 1 -> 3.5 / 4.
  std::vector<double> s{1, 1, 0, 2};
  std::vector<int8_t> y{0, 1, 0, 1};
  EXPECT_DOUBLE_EQ(*roc_auc(s, y), 0.875);
  std::vector<double> all_equal(6, 3.0);
  std::vector<int8_t> y6{0, 1, 0, 1, 1, 0};
  EXPECT_DOUBLE_EQ(*roc_auc(all_equal, y6), 0.5);
}

TEST(RocAuc, PerfectAndReversedRankings) {
  std::vector<double> s{0.1, 0.2, 0.9, 0.95};
  EXPECT_DOUBLE_EQ(*roc_auc(s, std::vector<int8_t>{0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(*roc_auc(s, std::vector<int8_t>{1, 1, 0, 0}), 0.0);
}

TEST(RocAuc, UndefinedWithOneClass) {
  std::vector<double> s{0.1, 0.2};
  EXPECT_FALSE(roc_auc(s, std::vector<int8_t>{0, 0}).has_value());
  EXPECT_FALSE(roc_auc(s, std::vector<int8_t>{1}).has_value());
}

}  // namespace
}  // namespace vigil::anomaly
