// When a model slot hands out its rows for retraining: only rows that entered
// the reservoir count towards `retrain_min_new_rows`, and a row outside the
// range of the rows trained on is reason enough on its own.
#include <gtest/gtest.h>

#include <vector>

#include "ml/features.h"
#include "ml/model_bank.h"

namespace vigil::ml {
namespace {

// A row of the detector's width: feature 0 = `a`, feature 1 = `b`, the rest 0.
std::vector<float> row(float a, float b = 0.0f) {
  std::vector<float> r(kFeatureCount, 0.0f);
  r[0] = a;
  r[1] = b;
  return r;
}

// Publishes a model so that the slot counts new rows (before the first
// model any row is reason to train).
void train(ModelSlot& slot, const MlConfig& c) {
  auto rows = slot.take_training_rows(1, 1);
  ASSERT_TRUE(rows.has_value());
  auto fitted = fit_model(ModelHeader{slot.name(), kFeatureSchema, rows->rows, 0, 1}, *rows, c);
  ASSERT_TRUE(fitted.has_value()) << fitted.error().message;
  slot.publish(fitted->model);
}

MlConfig small_config(size_t reservoir) {
  MlConfig c;
  c.n_estimators = 5;
  c.max_samples = 256;
  c.reservoir_size = reservoir;
  c.reservoir_horizon = 0;
  return c;
}

TEST(MlModelSlot, OnlyRowsThatEnteredTheReservoirCountTowardsRetraining) {
  const MlConfig c = small_config(1000);
  ModelSlot slot("general", c);
  for (int i = 0; i < 1000; ++i) slot.add(row(static_cast<float>(i % 100)));
  train(slot, c);
  // 1,000 more rows in range: the reservoir (1,000 of 2,000 seen) takes each
  // with probability 1000/seen, about 1000·ln 2 ≈ 693 in all (sd ≈ 17).
  // Counting rows offered, 900 would be reached; counting rows that entered, not.
  for (int i = 0; i < 1000; ++i) slot.add(row(static_cast<float>(i % 100)));
  EXPECT_FALSE(slot.take_training_rows(1, 900).has_value());
  // 2,000 more (4,000 seen): about 1000·ln 4 ≈ 1,386 entered since training.
  for (int i = 0; i < 2000; ++i) slot.add(row(static_cast<float>(i % 100)));
  auto rows = slot.take_training_rows(1, 900);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->rows, 1000u);
  // Handed out: the count starts again.
  EXPECT_FALSE(slot.take_training_rows(1, 900).has_value());
}

TEST(MlModelSlot, ARowBeyondTheTrainedRangeNeedsNoCount) {
  const MlConfig c = small_config(8192);  // every row enters
  ModelSlot slot("general", c);
  for (int i = 0; i < 1000; ++i) slot.add(row(static_cast<float>(i % 100)));  // a in [0, 99], b = 0
  train(slot, c);
  for (int i = 0; i < 50; ++i) slot.add(row(static_cast<float>(i)));
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());  // 50 new rows, all in range
  slot.add(row(10.0f, 3.0f));                                 // b was 0 in every training row
  auto rows = slot.take_training_rows(1, 500);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->rows, 1051u);
  // The new range includes b = 3: b = 2 is inside it, a = 100 is not.
  slot.add(row(5.0f, 2.0f));
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());
  slot.add(row(100.0f));
  EXPECT_TRUE(slot.take_training_rows(1, 500).has_value());
  // Below the minimum is outside the range too.
  slot.add(row(-1.0f));
  EXPECT_TRUE(slot.take_training_rows(1, 500).has_value());
}

}  // namespace
}  // namespace vigil::ml
