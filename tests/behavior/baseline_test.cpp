// Decay, bounds and the stored form of one entity's baseline.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "behavior/baseline_codec.h"
#include "behavior/decayed_counts.h"
#include "behavior/entity_baseline.h"

namespace vigil::behavior {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1'704'067'200;  // 2024-01-01T00:00:00Z, a Monday

Observation obs(int64_t t, std::string country = "GB") {
  Observation o;
  o.entity = "alice";
  o.time_s = t;
  o.hour_of_week = hour_of_week(t);
  o.country = std::move(country);
  o.event_type = "login";
  return o;
}

// The smoothed hour probability as documented (the hour, half of each
// neighbour, a twelfth of the same hour on each other day, a prior of one
// event), computed here over an array in hour-of-week order: every hour,
// including those whose neighbours wrap around midnight and the week.
TEST(EntityBaseline, HourProbabilityFollowsItsFormulaAcrossTheWeek) {
  EntityBaseline b;
  std::array<float, 168> by_hour{};
  for (size_t h = 0; h < 168; ++h) {
    by_hour[h] = static_cast<float>((h * 37) % 23) + 0.25f;
    b.hours[h] = by_hour[h];
  }
  b.weight = 400;
  const auto at = [&](int h) { return by_hour[static_cast<size_t>((h % 168 + 168) % 168)]; };
  for (int how = 0; how < 168; ++how) {
    double other_days = 0;
    for (int d = 1; d < 7; ++d) other_days += at(how + 24 * d);
    const double mass = at(how) + 0.5 * (at(how - 1) + at(how + 1)) + other_days / 12;
    EXPECT_EQ(b.hour_probability(how), (mass + 1.0 / 168) / (2.5 * 400 + 1)) << how;
  }
}

TEST(EntityBaseline, WeightsHalveEveryHalfLife) {
  BaselineLimits limits{.half_life_s = 10.0 * kDay, .max_values = 8};
  EntityBaseline b;
  for (int i = 0; i < 100; ++i) b.learn(obs(kStart + i), limits);
  EXPECT_DOUBLE_EQ(b.weight, 100);
  b.learn(obs(kStart + 10 * kDay), limits);  // one half-life later
  EXPECT_NEAR(b.weight, 100 * 0.5 + 1, 0.01);
  EXPECT_NEAR(b.countries.weight("GB"), 51, 0.01);
  EXPECT_EQ(b.events, 101u);
  // A late event counts for its age.
  b.learn(obs(kStart + 10 * kDay - 10 * kDay), limits);
  EXPECT_NEAR(b.weight, 51.5, 0.01);
  EXPECT_EQ(b.first_seen_s, kStart);
  EXPECT_EQ(b.last_seen_s, kStart + 10 * kDay);
}

TEST(DecayedCounts, EvictsTheLeastRecentlySeenValueAtCapacity) {
  DecayedCounts c;
  c.add("a", 5, 100, 3);
  c.add("b", 1, 300, 3);
  c.add("c", 1, 200, 3);
  c.add("a", 1, 400, 3);  // a is now the most recent
  c.add("d", 1, 500, 3);  // evicts c (last seen 200), not the lightest
  EXPECT_EQ(c.slots().size(), 3u);
  EXPECT_DOUBLE_EQ(c.weight("a"), 6);
  EXPECT_DOUBLE_EQ(c.weight("c"), 0);
  EXPECT_TRUE(c.seen("d"));
}

TEST(DecayedCounts, NoveltyProbabilityIsGoodTuring) {
  DecayedCounts steady;
  steady.add("GB", 99, 1, 8);
  EXPECT_DOUBLE_EQ(steady.novelty_probability(), 1.0 / 100);  // no singletons
  DecayedCounts traveller;
  for (const char* c : {"FR", "DE", "IT", "ES", "PT"}) traveller.add(c, 1, 1, 8);
  traveller.add("GB", 15, 1, 8);
  EXPECT_DOUBLE_EQ(traveller.novelty_probability(), 6.0 / 21);
}

TEST(DecayedCounts, ForgottenValuesFreeTheirSlot) {
  DecayedCounts c;
  c.add("old", 1, 1, 8);
  c.add("new", 100, 2, 8);
  c.scale(0.001);
  EXPECT_EQ(c.slots().size(), 1u);
  EXPECT_FALSE(c.seen("old"));
}

TEST(BaselineCodec, RoundTripsEverything) {
  BaselineLimits limits;
  EntityBaseline b;
  for (int i = 0; i < 30; ++i) {
    Observation o = obs(kStart + i * 3600, i % 2 ? "GB" : "SE");
    o.resource = "r:00000000000000" + std::to_string(10 + i % 3);
    o.device = "Firefox/Windows";
    o.city = "London, GB";
    o.asn = "AS1 x";
    o.network = "81.2.69.0/24";
    o.bytes = 1000.0 * (i + 1);
    o.point = GeoPoint{51.5, -0.1};
    b.learn(o, limits);
  }
  b.record_score(RecentScore{kStart, "new_device", 0.01, true});
  const std::string text = encode_baseline(b);
  auto back = decode_baseline(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(encode_baseline(*back), text);
  EXPECT_EQ(back->events, 30u);
  EXPECT_EQ(back->resources.slots().size(), 3u);
  // Read back, each value is found again with the weight it was saved with,
  // and learning it adds to that slot rather than opening another.
  for (const char* r : {"r:0000000000000010", "r:0000000000000011", "r:0000000000000012"}) {
    EXPECT_GT(back->resources.weight(r), 0.0) << r;
    EXPECT_EQ(back->resources.weight(r), b.resources.weight(r)) << r;
  }
  EXPECT_EQ(back->countries.weight("GB"), b.countries.weight("GB"));
  back->resources.add("r:0000000000000011", 1.0, kStart + 30 * 3600, 64);
  EXPECT_EQ(back->resources.slots().size(), 3u);
  EXPECT_EQ(back->resources.weight("r:0000000000000011"),
            b.resources.weight("r:0000000000000011") + 1.0);
  ASSERT_TRUE(back->last_sighting);
  EXPECT_EQ(back->last_sighting->time_s, kStart + 29 * 3600);

  EXPECT_FALSE(decode_baseline("{\"v\":1}"));
  EXPECT_FALSE(decode_baseline("not json"));
}

TEST(BaselineView, ShowsCountsButNotHashedResources) {
  BaselineLimits limits;
  EntityBaseline b;
  Observation o = obs(kStart + 9 * 3600);
  o.resource = "r:0123456789abcdef";
  b.learn(o, limits);
  const Value v = baseline_view(b, false);
  EXPECT_EQ(v.find("events")->as_uint(), 1u);
  EXPECT_TRUE(v.find("learning")->as_bool());
  EXPECT_EQ(v.find("hours_of_week")->as_array().size(), 168u);
  EXPECT_EQ(v.find("hours_of_week")->as_array()[9].number(), 1.0);
  EXPECT_EQ(v.find("countries")->as_array()[0].find("value")->as_string(), "GB");
  EXPECT_EQ(v.find("resources")->find("distinct")->as_uint(), 1u);
}

}  // namespace
}  // namespace vigil::behavior
