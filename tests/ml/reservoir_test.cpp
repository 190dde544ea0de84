// The reservoir: bounded, uniform over the stream (checked with a chi-square
// bound over deciles), and with a horizon, weighted towards recent rows.
#include "ml/reservoir.h"

#include <gtest/gtest.h>

#include <array>

namespace vigil::ml {
namespace {

// Fraction of the stream (0..1) of every row held, by decile of position.
std::array<int, 10> deciles(const Reservoir& r, double n) {
  std::array<int, 10> counts{};
  const auto m = r.snapshot();
  for (size_t i = 0; i < m.rows; ++i) {
    const int d = std::min(9, static_cast<int>(m.row(i)[0] / n * 10));
    ++counts[static_cast<size_t>(d)];
  }
  return counts;
}

// Memory follows the rows held, not the capacity: most event types'
// reservoirs never fill.
TEST(MlReservoir, HoldsMemoryForItsRowsNotItsCapacity) {
  constexpr size_t kCapacity = 4096, kCols = 16;
  Reservoir r(kCapacity, kCols, 0, 7);
  const std::array<float, kCols> row{};
  for (int i = 0; i < 10; ++i) r.add(row);
  EXPECT_LE(r.memory_bytes(), 32 * kCols * sizeof(float));
  for (size_t i = 10; i < 3 * kCapacity; ++i) r.add(row);
  EXPECT_EQ(r.size(), kCapacity);
  EXPECT_EQ(r.memory_bytes(), kCapacity * kCols * sizeof(float));  // no growth slack
}

TEST(MlReservoir, BoundedAndUniformOverTheStream) {
  constexpr size_t kCapacity = 2000;
  constexpr int kStream = 200000;
  Reservoir r(kCapacity, 2, 0, 7);
  for (int i = 0; i < kStream; ++i) {
    const float row[2] = {static_cast<float>(i), 1.0f};
    r.add(row);
    ASSERT_LE(r.size(), kCapacity);
  }
  EXPECT_EQ(r.size(), kCapacity);
  EXPECT_EQ(r.seen(), static_cast<uint64_t>(kStream));
  const auto counts = deciles(r, kStream);
  // Chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile.
  double chi2 = 0;
  for (const int c : counts) chi2 += (c - 200.0) * (c - 200.0) / 200.0;
  EXPECT_LT(chi2, 27.9) << "decile counts far from uniform";
}

TEST(MlReservoir, ShortStreamIsKeptWhole) {
  Reservoir r(100, 1, 0, 1);
  for (int i = 0; i < 40; ++i) {
    const float v = static_cast<float>(i);
    r.add({&v, 1});
  }
  const auto m = r.snapshot();
  ASSERT_EQ(m.rows, 40u);
  for (size_t i = 0; i < m.rows; ++i) EXPECT_EQ(m.row(i)[0], static_cast<float>(i));
}

TEST(MlReservoir, HorizonFavoursRecentRows) {
  constexpr size_t kCapacity = 1000;
  constexpr int kStream = 100000;
  Reservoir r(kCapacity, 1, 10000, 3);
  for (int i = 0; i < kStream; ++i) {
    const float v = static_cast<float>(i);
    r.add({&v, 1});
  }
  const auto counts = deciles(r, kStream);
  // Each row past the horizon replaces a slot with probability 1/10: a row
  // survives the last decile's 10,000 rows with probability (1 − 1/10000)^…
  // ≈ e^−1, so the last decile holds ≈ 1 − e^−1 = 63% of the sample and the
  // first one nearly nothing (uniform would be 10% each).
  EXPECT_GT(counts[9], 550);
  EXPECT_LT(counts[0], 10);
}

TEST(MlReservoir, RestoredStateCarriesOn) {
  Reservoir r(100, 2, 0, 7);
  for (int i = 0; i < 1000; ++i) {
    const float row[2] = {static_cast<float>(i), 2.0f};
    r.add(row);
  }
  const auto saved = r.snapshot();
  Reservoir back(100, 2, 0, 8);
  back.restore(saved, r.seen());
  EXPECT_EQ(back.size(), 100u);
  EXPECT_EQ(back.seen(), 1000u);
  EXPECT_EQ(back.snapshot().values, saved.values);
  // A smaller capacity keeps the first rows; the count seen stays.
  Reservoir small(10, 2, 0, 9);
  small.restore(saved, r.seen());
  EXPECT_EQ(small.size(), 10u);
  EXPECT_EQ(small.seen(), 1000u);
  EXPECT_EQ(small.snapshot().values,
            std::vector<float>(saved.values.begin(), saved.values.begin() + 20));
}

}  // namespace
}  // namespace vigil::ml
