// The features on hand-made events: cyclic time, entropy, failure, and the
// history features (novelty, rate, failure ratio, distance) against values
// computed here from the events fed.
#include "ml/features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/timestamp.h"
#include "ml/entity_history.h"

namespace vigil::ml {
namespace {

constexpr int64_t kMonday = 1'704'067'200;  // 2024-01-01T00:00:00Z

Event make_event(int64_t t, const std::string& ip = "81.2.69.142",
                 const std::string& resource = "/reports/q1.pdf", const std::string& outcome = "",
                 const std::string& country = "GB", double lat = 51.5, double lon = -0.1) {
  Event e;
  e.time = Timestamp::from_seconds(t);
  Object event{{"action", "file_access"}};
  if (!outcome.empty()) event.emplace_back("outcome", outcome);
  e.doc =
      Object{{"user", Object{{"name", "alice"}}},
             {"event", std::move(event)},
             {"resource", Object{{"name", resource}}},
             {"data_volume", Object{{"bytes", 2048}}},
             {"source", Object{{"ip", ip},
                               {"geo", Object{{"country_iso_code", country},
                                              {"location", Object{{"lat", lat}, {"lon", lon}}}}}}}};
  return e;
}

TEST(MlFeatures, CyclicTimeMakesMidnightNeighbours) {
  const auto before = cyclic(86399, 86400);
  const auto after = cyclic(0, 86400);
  EXPECT_LT(std::hypot(before.sin - after.sin, before.cos - after.cos), 1e-3);
  const auto six = cyclic(6 * 3600, 86400);
  EXPECT_NEAR(six.sin, 1.0, 1e-12);
  EXPECT_NEAR(six.cos, 0.0, 1e-12);

  MlConfig config;
  FactReader reader(config);
  auto facts = reader.read(make_event(kMonday + 6 * 3600));  // Monday 06:00
  ASSERT_TRUE(facts);
  FeatureRow row{};
  fill_event_features(*facts, row);
  EXPECT_NEAR(row[kHourSin], 1.0, 1e-6);
  EXPECT_NEAR(row[kHourCos], 0.0, 1e-6);
  // Monday 06:00 is 6/168 of the way round the week.
  EXPECT_NEAR(row[kWeekSin], std::sin(2 * std::numbers::pi * 6 / 168), 1e-6);
  EXPECT_NEAR(row[kDataVolume], std::log1p(2.0), 1e-6);  // 2048 bytes = 2 KB
  EXPECT_EQ(row[kResourceCount], 1.0f);
}

TEST(MlFeatures, EntropyAndQueryLength) {
  EXPECT_EQ(char_entropy(""), 0.0);
  EXPECT_EQ(char_entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(char_entropy("abab"), 1.0);
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_DOUBLE_EQ(char_entropy(all), 8.0);

  MlConfig config;
  FactReader reader(config);
  Event e = make_event(kMonday);
  e.doc.as_object().emplace_back("db", Object{{"statement", "SELECT 1"}});
  auto facts = reader.read(e);
  ASSERT_TRUE(facts && facts->query);
  FeatureRow row{};
  fill_event_features(*facts, row);
  EXPECT_NEAR(row[kQueryLength], std::log1p(8.0), 1e-6);
  EXPECT_NEAR(row[kQueryEntropy], char_entropy("SELECT 1"), 1e-6);
}

TEST(MlFeatures, FailureByOutcomeElseByAction) {
  EXPECT_TRUE(is_failure("failure", "login"));
  EXPECT_FALSE(is_failure("success", "login_failed"));  // the outcome wins
  EXPECT_TRUE(is_failure("", "login_failed"));
  EXPECT_TRUE(is_failure("", "Access Denied"));
  EXPECT_FALSE(is_failure("", "login"));
}

TEST(MlFeatures, EventsWithoutEntityHaveNoFeatures) {
  MlConfig config;
  FactReader reader(config);
  Event e = make_event(kMonday);
  e.doc.as_object().erase(e.doc.as_object().begin());  // no user
  EXPECT_FALSE(reader.read(e));
}

TEST(MlHistory, NoveltyOnlyOnceTheEntityHasHabits) {
  MlConfig config;
  FactReader reader(config);
  EntityHistory h;
  const EntityHistory::Limits limits{64, 5, 3600};
  FeatureRow row{};
  // First events: everything is new but the entity is too young to judge.
  for (int i = 0; i < 5; ++i) {
    auto f = reader.read(make_event(kMonday + i * 60));
    h.observe(*f, limits, row);
    EXPECT_EQ(row[kNewIp], 0.0f);
    EXPECT_EQ(row[kNewPlace], 0.0f);
  }
  auto same = reader.read(make_event(kMonday + 400));
  h.observe(*same, limits, row);
  EXPECT_EQ(row[kNewIp], 0.0f);
  EXPECT_EQ(row[kNewResource], 0.0f);
  EXPECT_EQ(row[kNewPlace], 0.0f);
  EXPECT_EQ(row[kGeoDistance], 0.0f);  // same place

  // Sydney, a new IP and a new resource.
  auto away = reader.read(
      make_event(kMonday + 500, "1.2.3.4", "/hr/salaries.xlsx", "", "AU", -33.87, 151.21));
  const HistoryView view = h.observe(*away, limits, row);
  EXPECT_EQ(row[kNewIp], 1.0f);
  EXPECT_EQ(row[kNewResource], 1.0f);
  EXPECT_EQ(row[kNewPlace], 1.0f);
  ASSERT_TRUE(view.nearest_km);
  const double km = behavior::distance_km({51.5, -0.1}, {-33.87, 151.21});
  EXPECT_NEAR(*view.nearest_km, km, 1e-6);
  EXPECT_NEAR(row[kGeoDistance], std::log1p(km), 1e-3);

  // Seen now: not new the second time.
  auto again = reader.read(
      make_event(kMonday + 600, "1.2.3.4", "/hr/salaries.xlsx", "", "AU", -33.87, 151.21));
  h.observe(*again, limits, row);
  EXPECT_EQ(row[kNewIp], 0.0f);
  EXPECT_EQ(row[kNewResource], 0.0f);
  EXPECT_EQ(row[kNewPlace], 0.0f);
}

TEST(MlHistory, RateAndFailureRatioFollowTheRecentWindow) {
  MlConfig config;
  FactReader reader(config);
  EntityHistory h;
  const double half_life = 3600;
  const EntityHistory::Limits limits{64, 0, half_life};
  FeatureRow row{};
  HistoryView view;
  // 120 events one minute apart, every other one failed: a steady 60/hour.
  int failed = 0;
  for (int i = 0; i < 120; ++i) {
    const bool fail = i % 2 == 1;
    failed += fail;
    auto f = reader.read(
        make_event(kMonday + i * 60, "81.2.69.142", "/a", fail ? "failure" : "success"));
    view = h.observe(*f, limits, row);
  }
  // The decayed count of a steady stream r/s settles at r·H/ln2 · (1 − 2^(−T/H));
  // after two half-lives the estimate is within 25% of the true rate.
  const double expected_rate = 60.0 * (1 - std::exp2(-120.0 * 60 / half_life));
  EXPECT_NEAR(view.rate_per_hour, expected_rate, 0.05 * expected_rate);
  EXPECT_NEAR(view.failure_ratio, static_cast<double>(failed) / 120, 0.05);
  EXPECT_NEAR(row[kFailureRatio], view.failure_ratio, 1e-6);
  EXPECT_NEAR(row[kEventRate], std::log1p(view.rate_per_hour), 1e-5);

  // Ten half-lives of silence, then one success: the window has forgotten.
  auto later =
      reader.read(make_event(kMonday + 120 * 60 + 10 * 3600, "81.2.69.142", "/a", "success"));
  view = h.observe(*later, limits, row);
  EXPECT_LT(view.failure_ratio, 0.1);
  EXPECT_LT(view.rate_per_hour, 2.0);
}

TEST(MlHistory, TableIsBoundedAndKeepsNoRawKeys) {
  EntityTable table(32, EntityHistory::Limits{});
  MlConfig config;
  FactReader reader(config);
  FeatureRow row{};
  for (int i = 0; i < 500; ++i) {
    Event e = make_event(kMonday + i);
    e.doc.as_object()[0].second = Object{{"name", "user" + std::to_string(i)}};
    table.observe(*reader.read(e), row);
  }
  EXPECT_LE(table.size(), 32u);
  EXPECT_GE(table.size(), 16u);  // 16 shards, each filled to its share
}

}  // namespace
}  // namespace vigil::ml
