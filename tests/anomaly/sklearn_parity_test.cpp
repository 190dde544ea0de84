// Scoring with the very trees scikit-learn 1.2.1 grew on cardio.csv
// (../shared/data/anomaly/fixtures): every score within 1e-12 of sklearn's,
// every predict equal. Expected values are sklearn's exported output.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "anomaly/dataset_csv.h"
#include "anomaly/sklearn_export.h"
#include "support/test_data.h"

namespace vigil::anomaly {
namespace {

struct SklearnScores {
  std::vector<double> score, decision;
  std::vector<int> predict;
};

SklearnScores read_sklearn_scores(const std::filesystem::path& path) {
  SklearnScores s;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // row,score_samples,decision_function,predict,label
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string row, score, decision, predict;
    std::getline(fields, row, ',');
    std::getline(fields, score, ',');
    std::getline(fields, decision, ',');
    std::getline(fields, predict, ',');
    s.score.push_back(std::stod(score));
    s.decision.push_back(std::stod(decision));
    s.predict.push_back(std::stoi(predict));
  }
  return s;
}

TEST(SklearnParity, CardioForestScoresMatchSklearnWithin1e12) {
  VIGIL_REQUIRE_DATA(forest_path, "anomaly/fixtures/cardio_forest_seed0.tsv");
  VIGIL_REQUIRE_DATA(data_path, "anomaly/cardio.csv");
  VIGIL_REQUIRE_DATA(scores_path, "anomaly/fixtures/cardio_scores_seed0.csv");
  auto forest = load_sklearn_forest(forest_path);
  ASSERT_TRUE(forest.has_value()) << forest.error().message;
  auto data = read_dataset_csv(data_path);
  ASSERT_TRUE(data.has_value()) << data.error().message;
  const SklearnScores expected = read_sklearn_scores(scores_path);
  ASSERT_EQ(expected.score.size(), data->matrix.rows);
  EXPECT_EQ(forest->forest().tree_count(), 100u);
  EXPECT_EQ(forest->forest().max_samples(), 256u);
  EXPECT_EQ(forest->offset(), -0.5);

  std::vector<double> score(data->matrix.rows), decision(data->matrix.rows);
  std::vector<int8_t> predict(data->matrix.rows);
  ASSERT_TRUE(forest->score_samples(data->matrix, score).has_value());
  ASSERT_TRUE(forest->decision_function(data->matrix, decision).has_value());
  ASSERT_TRUE(forest->predict(data->matrix, predict).has_value());
  double worst = 0.0;
  size_t identical = 0, flagged = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    worst = std::max(worst, std::abs(score[i] - expected.score[i]));
    identical += score[i] == expected.score[i];
    EXPECT_NEAR(score[i], expected.score[i], 1e-12) << "row " << i;
    EXPECT_NEAR(decision[i], expected.decision[i], 1e-12) << "row " << i;
    EXPECT_EQ(predict[i], expected.predict[i]) << "row " << i;
    flagged += predict[i] == -1;
  }
  EXPECT_GT(flagged, 0u);  // the comparison covers both outcomes
  RecordProperty("max_abs_error", std::to_string(worst));
  RecordProperty("bit_identical", std::to_string(identical));
  std::cout << "cardio: max |score - sklearn| = " << worst << ", bit-identical " << identical << "/"
            << score.size() << "\n";
}

TEST(SklearnParity, SingleRowScoringEqualsBatchScoring) {
  VIGIL_REQUIRE_DATA(forest_path, "anomaly/fixtures/cardio_forest_seed0.tsv");
  VIGIL_REQUIRE_DATA(data_path, "anomaly/cardio.csv");
  auto forest = load_sklearn_forest(forest_path);
  auto data = read_dataset_csv(data_path);
  ASSERT_TRUE(forest && data);
  std::vector<double> batch(data->matrix.rows);
  ASSERT_TRUE(forest->score_samples(data->matrix, batch).has_value());
  for (size_t i = 0; i < data->matrix.rows; ++i) {
    ASSERT_EQ(*forest->score_sample(data->matrix.row(i)), batch[i]) << "row " << i;
  }
}

std::string forest_text(const std::string& rows) {
  return "# max_samples_=4 offset_=-0.5 n_features=2 n_trees=1\n"
         "tree\tnode\tleft\tright\tfeature\tthreshold\tn_node_samples\n" +
         rows;
}

Result<IsolationForest> read(const std::string& text) {
  std::istringstream in(text);
  return read_sklearn_forest(in, "test.tsv");
}

TEST(SklearnExport, ReadsAValidForest) {
  auto f =
      read(forest_text("0\t0\t1\t2\t1\t0.5\t4\n0\t1\t-1\t-1\t-1\tnan\t1\n"
                       "0\t2\t-1\t-1\t-1\tnan\t3\n"));
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ(f->feature_count(), 2u);
  EXPECT_EQ(f->forest().max_samples(), 4u);
}

TEST(SklearnExport, RejectsBrokenForestsWithTheLine) {
  // a child before its parent
  auto backwards = read(forest_text("0\t0\t0\t1\t0\t0.5\t4\n0\t1\t-1\t-1\t-1\tnan\t1\n"));
  EXPECT_FALSE(backwards.has_value());
  // a child that does not exist
  EXPECT_FALSE(read(forest_text("0\t0\t1\t2\t0\t0.5\t4\n0\t1\t-1\t-1\t-1\tnan\t1\n")).has_value());
  // a feature the data does not have
  EXPECT_FALSE(read(forest_text("0\t0\t1\t2\t7\t0.5\t4\n0\t1\t-1\t-1\t-1\tnan\t1\n"
                                "0\t2\t-1\t-1\t-1\tnan\t3\n"))
                   .has_value());
  // a split without a threshold
  EXPECT_FALSE(read(forest_text("0\t0\t1\t2\t0\tnan\t4\n0\t1\t-1\t-1\t-1\tnan\t1\n"
                                "0\t2\t-1\t-1\t-1\tnan\t3\n"))
                   .has_value());
  auto garbled = read(forest_text("0\t0\tx\n"));
  ASSERT_FALSE(garbled.has_value());
  EXPECT_NE(garbled.error().message.find("test.tsv:3"), std::string::npos)
      << garbled.error().message;
  EXPECT_FALSE(read("no header\n").has_value());
  EXPECT_FALSE(read(forest_text("")).has_value());
  EXPECT_FALSE(load_sklearn_forest("/nonexistent/forest.tsv").has_value());
}

}  // namespace
}  // namespace vigil::anomaly
