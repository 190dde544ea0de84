// The features on hand-made events: cyclic time, entropy, failure, and the
// history features (novelty, rate, failure ratio, distance) against values
// computed here from the events fed.
#include "ml/features.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>

#include "core/timestamp.h"
#include "ml/entity_history.h"
#include "ml/explanation_words.h"

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

TEST(MlHistory, HourRarityInBitsOfTheSmoothedShare) {
  MlConfig config;
  FactReader reader(config);
  EntityHistory h;
  const EntityHistory::Limits limits{64, 5, 3600};
  FeatureRow row{};
  // Too young to judge: 3 bits, the rarity of three hours out of 24.
  auto first = reader.read(make_event(kMonday + 9 * 3600));
  h.observe(*first, limits, row);
  EXPECT_FLOAT_EQ(row[kHourRarity], 3.0f);
  // 40 events, 10 each at 09:xx, 10:xx, 11:xx and 14:xx UTC (the first one included).
  int total = 1;
  for (int d = 0; total < 40; ++d) {
    for (const int hour : {9, 10, 11, 14}) {
      if (hour == 9 && d == 0) continue;
      if (total >= 40) break;
      auto f = reader.read(make_event(kMonday + d * 86400 + hour * 3600 + 60));
      h.observe(*f, limits, row);
      ++total;
    }
  }
  ASSERT_EQ(total, 40);
  // At 10:30 the hours 09-11 hold 30 of the 40 events.
  auto usual = reader.read(make_event(kMonday + 20 * 86400 + 10 * 3600 + 1800));
  HistoryView v = h.observe(*usual, limits, row);
  ASSERT_TRUE(v.hour_share);
  EXPECT_NEAR(*v.hour_share, 30.0 / 40, 1e-9);
  EXPECT_NEAR(row[kHourRarity], -std::log2((30 + 0.125) / 41), 1e-5);
  // At 03:00 (02-04 never seen; 41 events now): log2(8 * 42) bits.
  auto night = reader.read(make_event(kMonday + 21 * 86400 + 3 * 3600));
  v = h.observe(*night, limits, row);
  EXPECT_EQ(*v.hour_share, 0.0);
  EXPECT_NEAR(row[kHourRarity], std::log2(8.0 * 42), 1e-4);
}

TEST(MlFeatures, MaskZeroesTheFeaturesTheModelsDoNotUse) {
  auto mask = FeatureMask::from_names(std::vector<std::string>{"new_device", "hour_rarity_bits"});
  ASSERT_TRUE(mask) << mask.error().message;
  FeatureRow row{};
  for (uint32_t f = 0; f < kFeatureCount; ++f) row[f] = static_cast<float>(f + 1);
  const FeatureRow seen = mask->apply(row);
  for (uint32_t f = 0; f < kFeatureCount; ++f) {
    const bool used = f == kNewDevice || f == kHourRarity;
    EXPECT_EQ(mask->uses(f), used) << feature_names()[f];
    EXPECT_EQ(seen[f], used ? row[f] : 0.0f) << feature_names()[f];
  }
  auto bad = FeatureMask::from_names(std::vector<std::string>{"hour_share"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown feature 'hour_share'"), std::string::npos);
  // The default list names only known features.
  EXPECT_TRUE(FeatureMask::from_names(MlConfig{}.model_features));
}

TEST(MlHistory, TravelSpeedFromTheLastSighting) {
  MlConfig config;
  FactReader reader(config);
  EntityHistory h;
  const EntityHistory::Limits limits{64, 2, 3600};
  FeatureRow row{};
  for (int i = 0; i < 3; ++i) h.observe(*reader.read(make_event(kMonday + i * 60)), limits, row);
  EXPECT_EQ(row[kTravelSpeed], 0.0f);  // London, London: no travel

  // New York 30 minutes after London: distance beyond the 100 km noise floor
  // over half an hour.
  auto ny = reader.read(make_event(kMonday + 120 + 1800, "1.2.3.4", "/a", "", "US", 40.71, -74.0));
  const HistoryView view = h.observe(*ny, limits, row);
  const double km = behavior::distance_km({51.5, -0.1}, {40.71, -74.0});
  ASSERT_TRUE(view.travel);
  EXPECT_NEAR(view.travel->km, km, 1e-6);
  EXPECT_NEAR(view.travel->hours, 0.5, 1e-9);
  EXPECT_NEAR(view.travel->kmh, (km - 100) / 0.5, 1e-6);
  // The feature is the speed beyond the plausible 1,000 km/h.
  EXPECT_NEAR(row[kTravelSpeed], std::log1p((km - 100) / 0.5 - 1000), 1e-4);

  // Back in London 7 hours later: a flight, not beyond belief.
  auto back = reader.read(make_event(kMonday + 120 + 1800 + 7 * 3600));
  const HistoryView flight = h.observe(*back, limits, row);
  EXPECT_NEAR(flight.travel->kmh, (km - 100) / 7, 1e-6);
  EXPECT_EQ(row[kTravelSpeed], 0.0f);

  // 50 km within a minute is geolocation noise, not travel.
  auto near = reader.read(make_event(kMonday + 120 + 1800 + 7 * 3600 + 30, "81.2.69.143", "/a", "",
                                     "GB", 51.5 + 50 / 111.2, -0.1));
  h.observe(*near, limits, row);
  EXPECT_EQ(row[kTravelSpeed], 0.0f);
}

// A jump faster than plausible travel and the distance it lands at from the
// usual places are one move: one travel driver with both shares. Reached at a
// plausible speed, the distance is its own driver.
TEST(MlExplanation, DistanceOfAnImpossibleJumpIsReportedAsTravel) {
  anomaly::Explanation e;
  e.contributions = {{kGeoDistance, 6.0}, {kTravelSpeed, 3.0}, {kHourRarity, 1.0}};
  FeatureRow row{};
  row[kGeoDistance] = static_cast<float>(std::log1p(5400.0));
  row[kTravelSpeed] = static_cast<float>(std::log1p(15000.0));
  EventFacts facts;
  HistoryView h;
  h.nearest_km = 5400;
  h.travel = HistoryView::Travel{5400, 1.0 / 3, 16000, 1000};
  auto top = drivers(e, row, facts, h, "user");
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].feature, "travel_excess_kmh_log");
  EXPECT_NEAR(top[0].share, 0.9, 1e-12);
  EXPECT_NE(top[0].words.find("16000 km/h"), std::string::npos) << top[0].words;
  EXPECT_NE(top[0].words.find("5400 km from its usual locations"), std::string::npos)
      << top[0].words;
  EXPECT_EQ(top[1].feature, "hour_rarity_bits");

  row[kTravelSpeed] = 0;  // the same distance, reached over a night
  top = drivers(e, row, facts, h, "user");
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].feature, "geo_distance_km_log");
  EXPECT_NEAR(top[0].share, 0.6, 1e-12);
}

TEST(MlHistory, NewDeviceByDeviceId) {
  MlConfig config;
  FactReader reader(config);  // no user-agent parser: devices from ids
  EntityHistory h;
  const EntityHistory::Limits limits{64, 3, 3600};
  FeatureRow row{};
  const auto with_device = [&](int64_t t, const char* id) {
    Event e = make_event(t);
    e.doc.as_object().emplace_back("device", Object{{"id", id}});
    auto f = reader.read(e);
    EXPECT_TRUE(f && f->device_hash);
    return *f;
  };
  for (int i = 0; i < 4; ++i) h.observe(with_device(kMonday + i, "laptop-1"), limits, row);
  EXPECT_EQ(row[kNewDevice], 0.0f);
  h.observe(with_device(kMonday + 10, "phone-9"), limits, row);
  EXPECT_EQ(row[kNewDevice], 1.0f);
  h.observe(with_device(kMonday + 20, "phone-9"), limits, row);
  EXPECT_EQ(row[kNewDevice], 0.0f);
  // An event without a device is not a new one.
  h.observe(*reader.read(make_event(kMonday + 30)), limits, row);
  EXPECT_EQ(row[kNewDevice], 0.0f);
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

TEST(MlHistory, TableSavedAndLoadedByPseudonymOnly) {
  const auto pseudonym = [](std::string_view v) {
    return "pseud_" + std::string(v.rbegin(), v.rend());
  };
  const EntityHistory::Limits limits{64, 5, 3600};
  MlConfig config;
  FactReader reader(config);
  const auto user_event = [&](const std::string& user, int64_t t, const std::string& ip) {
    Event e = make_event(t, ip, "/r" + std::to_string(t % 7));
    e.doc.as_object()[0].second = Object{{"name", user}};
    return *reader.read(e);
  };
  EntityTable before(100, limits, pseudonym);
  FeatureRow row{};
  for (int i = 0; i < 40; ++i) {
    before.observe(user_event("alice", kMonday + i * 900, i % 2 ? "81.2.69.142" : "81.2.69.143"),
                   row);
    before.observe(user_event("bob", kMonday + i * 700, "89.160.20.130"), row);
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("vigil_ml_entities_" + std::to_string(::getpid()) + ".bin");
  auto saved = before.save(file);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(*saved, 2u);
  // Nothing raw at rest: the names are absent, their pseudonyms present.
  {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("alice"), std::string::npos);
    EXPECT_NE(bytes.find(pseudonym("alice")), std::string::npos);
  }

  EntityTable after(100, limits, pseudonym);
  ASSERT_EQ(*after.load(file), 2u);
  EXPECT_EQ(after.dormant(), 2u);
  EXPECT_EQ(after.size(), 0u);
  // The next event scores exactly as if there had been no restart.
  FeatureRow expected{}, got{};
  const auto probe = user_event("alice", kMonday + 50 * 900, "1.2.3.4");
  const HistoryView ve = before.observe(probe, expected);
  const HistoryView vg = after.observe(probe, got);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(vg.events, ve.events);
  EXPECT_EQ(got[kNewIp], 1.0f);    // alice is mature: the history came back
  EXPECT_EQ(after.dormant(), 1u);  // bob still waits
  EXPECT_EQ(after.size(), 1u);

  // Under another key the pseudonyms match no one: alice starts afresh.
  EntityTable other(100, limits, [](std::string_view v) { return "other_" + std::string(v); });
  ASSERT_EQ(*other.load(file), 2u);
  FeatureRow fresh{};
  EXPECT_EQ(other.observe(probe, fresh).events, 0u);

  // A damaged file is an error naming it.
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 5);
  auto bad = after.load(file);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(file.string()), std::string::npos);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace vigil::ml
