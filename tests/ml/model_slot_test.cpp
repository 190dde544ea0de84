// When a model slot hands out its rows for retraining: only rows that entered
// the reservoir count towards `retrain_min_new_rows`, and once the reservoir
// is full a row with a new value in a feature every row trained on held at
// one value is reason enough on its own.
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
  auto fitted = fit_model(ModelHeader{slot.name(), kFeatureSchema, rows->rows, 0, 1}, *rows, c,
                          GrownTrees::kDrop);
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

// Offers a row 20 times: with a reservoir of 1,000 holding about 1,050 seen,
// each offer enters with probability ≈ 0.95, so at least one enters (all
// missing: ≈ 1e-26).
void offer(ModelSlot& slot, float a, float b = 0.0f) {
  for (int i = 0; i < 20; ++i) slot.add(row(a, b));
}

TEST(MlModelSlot, ANewValueOfAHeldFeatureNeedsNoCount) {
  const MlConfig c = small_config(1000);
  ModelSlot slot("general", c);
  for (int i = 0; i < 1000; ++i) slot.add(row(static_cast<float>(i % 100)));  // a in [0, 99], b = 0
  train(slot, c);
  for (int i = 0; i < 50; ++i) slot.add(row(static_cast<float>(i)));
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());  // < 70 new rows, all in range
  offer(slot, 10.0f, 3.0f);                                   // b was 0 in every training row
  auto rows = slot.take_training_rows(1, 500);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->rows, 1000u);
  // b now varies among the rows trained on: a new b, even beyond its range,
  // waits for the count, and so does a beyond the range of a varying a.
  offer(slot, 5.0f, 7.0f);
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());
  offer(slot, 100.0f);
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());
  offer(slot, -1.0f);
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());
}

TEST(MlModelSlot, WhileTheReservoirFillsOnlyTheCountRetrains) {
  const MlConfig c = small_config(2000);  // every row enters until 2,000
  ModelSlot slot("general", c);
  for (int i = 0; i < 1000; ++i) slot.add(row(static_cast<float>(i % 100)));
  train(slot, c);
  slot.add(row(10.0f, 3.0f));  // beyond the range, but the reservoir is not full
  EXPECT_FALSE(slot.take_training_rows(1, 500).has_value());
  for (int i = 0; i < 499; ++i) slot.add(row(static_cast<float>(i % 100)));
  auto rows = slot.take_training_rows(1, 500);  // 500 new rows
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->rows, 1500u);
}

// A type's slot is found by the event's view of its name, made once, and
// never made for a name unusable as a file name or past the cap.
TEST(MlModelBank, OneSlotPerUsableTypeUnderTheCap) {
  MlConfig c = small_config(16);
  c.max_event_types = 2;
  ModelBank bank(c, {});
  ModelSlot* login = bank.for_event_type("login");
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->name(), "login");
  const std::string again = "login";
  EXPECT_EQ(bank.for_event_type(again), login);
  EXPECT_EQ(bank.find("login"), login);
  EXPECT_EQ(bank.for_event_type("../etc"), nullptr);
  EXPECT_EQ(bank.for_event_type(""), nullptr);
  EXPECT_EQ(bank.for_event_type("general"), nullptr) << "the general model is no type";
  EXPECT_EQ(bank.find("../etc"), nullptr);
  ASSERT_NE(bank.for_event_type("logout"), nullptr);
  EXPECT_EQ(bank.for_event_type("file_download"), nullptr) << "past max_event_types";
  EXPECT_EQ(bank.for_event_type("logout"), bank.find("logout"));
}

}  // namespace
}  // namespace vigil::ml
