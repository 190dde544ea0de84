// `vigil anomaly score|evaluate` end to end through the real binary.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_data.h"
#include "support/vigil_process.h"

namespace vigil::testing {
namespace {

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

TEST(AnomalyCli, ScorePrintsSklearnsScoresForItsOwnForest) {
  VIGIL_REQUIRE_DATA(forest, "anomaly/fixtures/cardio_forest_seed0.tsv");
  VIGIL_REQUIRE_DATA(data, "anomaly/cardio.csv");
  VIGIL_REQUIRE_DATA(expected_path, "anomaly/fixtures/cardio_scores_seed0.csv");
  std::string out;
  ASSERT_EQ(run_capture({vigil_binary().string(), "anomaly", "score", "--sklearn-forest",
                         forest.string(), "--data", data.string()},
                        out),
            0);
  const auto got = csv_rows(out);
  const auto expected = csv_rows(read_file(expected_path));
  ASSERT_EQ(got.size(), expected.size());
  EXPECT_EQ(got[0],
            (std::vector<std::string>{"row", "score_samples", "decision_function", "predict"}));
  for (size_t i = 1; i < got.size(); ++i) {
    ASSERT_EQ(got[i].size(), 4u) << "line " << i;
    EXPECT_EQ(got[i][0], expected[i][0]);
    EXPECT_NEAR(std::stod(got[i][1]), std::stod(expected[i][1]), 1e-12) << "line " << i;
    EXPECT_NEAR(std::stod(got[i][2]), std::stod(expected[i][2]), 1e-12) << "line " << i;
    EXPECT_EQ(got[i][3], expected[i][3]) << "line " << i;
  }
}

TEST(AnomalyCli, EvaluatePrintsOneJsonLine) {
  VIGIL_REQUIRE_DATA(data, "anomaly/pima.csv");
  std::string out;
  ASSERT_EQ(run_capture({vigil_binary().string(), "anomaly", "evaluate", "--data", data.string(),
                         "--seeds", "2", "--trees", "50"},
                        out),
            0);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["dataset"], "pima");
  EXPECT_EQ(j["rows"], 768);
  for (const char* key : {"auc_mean", "auc_sd", "flag_rate", "fit_s", "score_us_per_row"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_GE(j[key].get<double>(), 0.0) << key;
  }
  EXPECT_GT(j["auc_mean"].get<double>(), 0.5);  // pima is hard, but better than chance
  EXPECT_EQ(j["seeds"], 2);
  EXPECT_EQ(j["trees"], 50);
}

TEST(AnomalyCli, BadInputExitCodes) {
  std::string out;
  const std::string vigil = vigil_binary().string();
  EXPECT_EQ(run_capture({vigil, "anomaly", "score", "--sklearn-forest", "/nonexistent.tsv",
                         "--data", "/nonexistent.csv"},
                        out),
            1);
  EXPECT_EQ(run_capture({vigil, "anomaly", "evaluate"}, out), 2);  // --data is required
  EXPECT_EQ(run_capture({vigil, "anomaly"}, out), 2);
  auto dir = make_temp_dir("vigil-anomaly");
  std::ofstream(dir / "tiny.csv") << "f0,label\n1,0\n2,1\n3,0\n";
  EXPECT_EQ(run_capture({vigil, "anomaly", "evaluate", "--data", (dir / "tiny.csv").string(),
                         "--seeds", "0"},
                        out),
            2);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::testing
