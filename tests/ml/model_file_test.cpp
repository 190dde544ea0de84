// A model written and read back scores every row exactly as before; bad
// files are errors naming the file.
#include "ml/model_file.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "anomaly/random.h"
#include "ml/features.h"
#include "ml/model_bank.h"
#include "ml/state_files.h"

namespace vigil::ml {
namespace {

anomaly::FeatureMatrix random_rows(size_t n, uint64_t seed) {
  anomaly::Random random(seed);
  anomaly::FeatureMatrix m{n, kFeatureCount, {}};
  for (size_t i = 0; i < n * kFeatureCount; ++i)
    m.values.push_back(static_cast<float>(random.unit() * 10));
  return m;
}

std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("vigil_ml_{}_{}", name, getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Without a model file the grown trees are dropped once compiled, and the
// model is the same.
TEST(MlModelFile, DroppingTheGrownTreesLeavesTheModelAsItWas) {
  const auto rows = random_rows(600, 3);
  const auto probe = random_rows(300, 4);
  const GrownTrees ways[2] = {GrownTrees::kKeepForFile, GrownTrees::kDrop};
  size_t trees[2] = {};
  double offsets[2] = {};
  std::vector<double> scores[2];
  for (size_t i = 0; i < 2; ++i) {
    const ModelHeader header{"login", kFeatureSchema, rows.rows, 0, 1};
    auto fitted = fit_model(header, rows, MlConfig{}, ways[i]);
    ASSERT_TRUE(fitted) << fitted.error().message;
    trees[i] = fitted->trees.size();
    offsets[i] = fitted->model->forest.offset();
    scores[i].resize(probe.rows);
    ASSERT_TRUE(fitted->model->forest.score_samples(probe, scores[i]));
  }
  EXPECT_EQ(trees[0], static_cast<size_t>(MlConfig{}.n_estimators));
  EXPECT_EQ(trees[1], 0u);
  EXPECT_EQ(offsets[0], offsets[1]);
  EXPECT_EQ(scores[0], scores[1]);
}

TEST(MlModelFile, RoundTripScoresBitForBit) {
  MlConfig config;
  config.n_estimators = 50;
  const auto rows = random_rows(600, 1);
  ModelHeader header{"login", kFeatureSchema, rows.rows, 1700000000, 2};
  auto fitted = fit_model(header, rows, config, GrownTrees::kKeepForFile);
  ASSERT_TRUE(fitted) << fitted.error().message;
  const auto dir = temp_dir("roundtrip");
  const auto path = dir / model_file_name("login");
  ASSERT_TRUE(write_model_file(path, header, fitted->trees, kFeatureCount, fitted->max_samples,
                               fitted->model->forest.offset()));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  auto loaded = read_model_file(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->header.name, "login");
  EXPECT_EQ(loaded->header.generation, 2u);
  EXPECT_EQ(loaded->header.rows, 600u);
  EXPECT_EQ(loaded->forest.offset(), fitted->model->forest.offset());
  const auto probe = random_rows(300, 2);
  std::vector<double> before(probe.rows), after(probe.rows);
  ASSERT_TRUE(fitted->model->forest.score_samples(probe, before));
  ASSERT_TRUE(loaded->forest.score_samples(probe, after));
  EXPECT_EQ(before, after);
  std::filesystem::remove_all(dir);
}

// The features training held constant travel with the model: a loaded model
// scores a row with a new value there as the one that was saved.
TEST(MlModelFile, HeldFeaturesRoundTrip) {
  MlConfig config;
  config.n_estimators = 20;
  auto rows = random_rows(400, 3);
  for (size_t r = 0; r < rows.rows; ++r) rows.values[r * kFeatureCount + kNewDevice] = 0.0f;
  ModelHeader header{"general", kFeatureSchema, rows.rows, 1700000000, 1};
  auto fitted = fit_model(header, rows, config, GrownTrees::kKeepForFile);
  ASSERT_TRUE(fitted) << fitted.error().message;
  ASSERT_EQ(fitted->model->unseen.held().size(), 1u);
  EXPECT_EQ(fitted->model->unseen.held()[0].feature, uint32_t{kNewDevice});
  const auto dir = temp_dir("held");
  const auto path = dir / model_file_name("general");
  ASSERT_TRUE(write_model_file(path, header, fitted->trees, kFeatureCount, fitted->max_samples,
                               fitted->model->forest.offset(), fitted->model->unseen));
  auto loaded = read_model_file(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->unseen.to_text(), fitted->model->unseen.to_text());
  std::vector<float> row(rows.row_data(0), rows.row_data(0) + kFeatureCount);
  row[kNewDevice] = 1.0f;
  const double saved = *fitted->model->forest.score_sample(row, fitted->model->unseen);
  EXPECT_EQ(*loaded->forest.score_sample(row, loaded->unseen), saved);
  EXPECT_LT(saved, *loaded->forest.score_sample(row));  // the held value counted
  std::filesystem::remove_all(dir);
}

TEST(MlModelFile, NamesAndBadFiles) {
  EXPECT_TRUE(valid_model_name("login"));
  EXPECT_TRUE(valid_model_name("user.login:ok-1"));
  EXPECT_FALSE(valid_model_name(""));
  EXPECT_FALSE(valid_model_name("../etc"));
  EXPECT_FALSE(valid_model_name("a b"));
  EXPECT_FALSE(valid_model_name(std::string(65, 'a')));
  EXPECT_EQ(model_file_name("general"), "general.forest");
  EXPECT_EQ(model_file_name("login"), "type-login.forest");

  const auto dir = temp_dir("bad");
  const auto path = dir / "general.forest";
  std::ofstream(path) << "tree\tnode\tleft\tright\tfeature\tthreshold\tn_node_samples\n";
  auto r = read_model_file(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
  std::filesystem::remove_all(dir);
}

TEST(MlRowsFile, RoundTripBitForBitAndDamageIsAnError) {
  const auto dir = temp_dir("rows");
  const RowsFile saved{"file_access", kFeatureSchema, random_rows(300, 4), 12345};
  const auto path = dir / rows_file_name(saved.model);
  EXPECT_EQ(path.filename(), "type-file_access.rows");
  ASSERT_TRUE(write_rows_file(path, saved));
  auto back = read_rows_file(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->model, "file_access");
  EXPECT_EQ(back->schema, kFeatureSchema);
  EXPECT_EQ(back->seen, 12345u);
  EXPECT_EQ(back->rows.rows, 300u);
  EXPECT_EQ(back->rows.cols, static_cast<size_t>(kFeatureCount));
  EXPECT_EQ(back->rows.values, saved.rows.values);

  // Cut short: an error naming the file, not a partial reservoir.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  auto cut = read_rows_file(path);
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find(path.string()), std::string::npos);
  std::ofstream(path) << "# vigil-ml model=general\n";
  EXPECT_FALSE(read_rows_file(path));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::ml
