// The trainer against scikit-learn, statistically (README of
// ../shared/data/anomaly, "How to compare"): on the 12 ODDS data sets, the
// mean AUC over 10 seeds within max(0.01, 3·sd·sqrt(1/5 + 1/10)) of sklearn's
// 5-seed mean, the mean over the 12 sets within 0.01 of sklearn's, and the
// flag rate with the default offset within ±0.02. Expected values come from
// reference/sklearn_1.2.1.tsv; nothing here runs scikit-learn.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "anomaly/dataset_csv.h"
#include "anomaly/evaluation.h"
#include "support/test_data.h"

namespace vigil::anomaly {
namespace {

constexpr double kSklearnMeanAuc = 0.8667;  // README: mean AUC over the 12 sets
constexpr uint32_t kSeeds = 10;

struct Reference {
  std::string dataset;
  size_t rows = 0;
  double auc_mean = 0, auc_sd = 0, flag_rate = 0;
};

std::vector<Reference> read_reference(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> columns;
  std::vector<Reference> refs;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::istringstream fields(line);
    for (std::string cell; std::getline(fields, cell, '\t');) cells.push_back(cell);
    if (columns.empty()) {
      columns = cells;
      continue;
    }
    auto get = [&](const std::string& name) {
      for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name) return cells.at(i);
      }
      throw std::runtime_error("reference TSV lacks column " + name);  // a broken fixture
    };
    refs.push_back({get("dataset"), std::stoul(get("n")), std::stod(get("auc_mean")),
                    std::stod(get("auc_std")), std::stod(get("flag_rate"))});
  }
  return refs;
}

double auc_band(const Reference& r) {
  return std::max(0.01, 3.0 * r.auc_sd * std::sqrt(1.0 / 5 + 1.0 / kSeeds));
}

TEST(OddsQuality, AucAndFlagRateWithinScikitLearnsNoiseBand) {
  VIGIL_REQUIRE_DATA(reference_path, "anomaly/reference/sklearn_1.2.1.tsv");
  const auto refs = read_reference(reference_path);
  ASSERT_EQ(refs.size(), 12u);
  double auc_sum = 0.0, reference_sum = 0.0;
  for (const Reference& ref : refs) {
    SCOPED_TRACE(ref.dataset);
    VIGIL_REQUIRE_DATA(csv, "anomaly/" + ref.dataset + ".csv");
    auto data = read_dataset_csv(csv);
    ASSERT_TRUE(data.has_value()) << data.error().message;
    ASSERT_EQ(data->matrix.rows, ref.rows);
    EvaluationOptions options;
    options.seeds = kSeeds;
    auto s = evaluate(*data, options);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_NEAR(s->auc_mean, ref.auc_mean, auc_band(ref));
    EXPECT_NEAR(s->flag_rate, ref.flag_rate, 0.02);
    auc_sum += s->auc_mean;
    reference_sum += ref.auc_mean;
    std::printf("%-12s auc %.4f (sklearn %.4f ± %.4f, sd %.4f)  flag %.4f (sklearn %.4f)\n",
                ref.dataset.c_str(), s->auc_mean, ref.auc_mean, auc_band(ref), s->auc_sd,
                s->flag_rate, ref.flag_rate);
  }
  const double mean_auc = auc_sum / static_cast<double>(refs.size());
  EXPECT_NEAR(reference_sum / static_cast<double>(refs.size()), kSklearnMeanAuc, 5e-5);
  EXPECT_NEAR(mean_auc, kSklearnMeanAuc, 0.01);
  std::printf("mean over 12: %.4f (sklearn %.4f)\n", mean_auc, kSklearnMeanAuc);
}

}  // namespace
}  // namespace vigil::anomaly
