// Each anomaly check against a baseline learned from a regular office
// worker: weekdays 08-18 UTC in London, Firefox on Windows, a handful of
// resources, about 1 MB per data access.
#include "behavior/scorer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace vigil::behavior {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1'704'067'200;  // 2024-01-01T00:00:00Z, a Monday
constexpr GeoPoint kLondon{51.5142, -0.0931};
constexpr GeoPoint kSanDiego{32.7405, -117.0935};
constexpr GeoPoint kBoxford{51.75, -1.25};  // 83 km from London

Observation office_event(int64_t t, std::mt19937& rng) {
  Observation o;
  o.entity = "alice";
  o.time_s = t;
  o.hour_of_week = hour_of_week(t);
  o.event_type = "data_access";
  o.resource = "r:" + std::to_string(rng() % 5);
  o.device = "Firefox/Windows";
  o.country = "GB";
  o.city = "London, GB";
  o.point = kLondon;
  std::lognormal_distribution<double> volume(std::log(1 << 20), 0.5);
  o.bytes = volume(rng);
  return o;
}

class ScorerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(7);
    for (int day = 0; day < 21; ++day) {
      if (day % 7 >= 5) continue;  // weekends off
      for (int i = 0; i < 12; ++i) {
        const int64_t t =
            kStart + day * kDay + 8 * 3600 + static_cast<int64_t>(rng() % (10 * 3600));
        baseline_.learn(office_event(t, rng), limits_);
      }
    }
    last_ = baseline_.last_seen_s;
  }

  // The finding of `type`, if the check ran.
  std::optional<Finding> finding(const Observation& o, std::string_view type) const {
    for (auto& f : score(o, baseline_, config_)) {
      if (type == f.type) return f;
    }
    return std::nullopt;
  }
  Observation next(int64_t t) {
    std::mt19937 rng(99);
    return office_event(t, rng);
  }

  BehaviorConfig config_;
  BaselineLimits limits_;
  EntityBaseline baseline_;
  int64_t last_ = 0;
};

TEST_F(ScorerTest, BaselineIsLearnedAfterEnoughEventsAndDays) {
  EXPECT_TRUE(learned(baseline_, config_));
  EntityBaseline young;
  std::mt19937 rng(1);
  for (int i = 0; i < 200; ++i) young.learn(office_event(kStart + 9 * 3600 + i, rng), limits_);
  EXPECT_FALSE(learned(young, config_)) << "200 events within one hour is not 7 days";
}

TEST_F(ScorerTest, UnusualAccessTimeOnlyOutsideTheUsualHours) {
  const int64_t monday = kStart + 21 * kDay;  // week 4, Monday
  auto night = finding(next(monday + 3 * 3600), kUnusualAccessTime);
  ASSERT_TRUE(night);
  EXPECT_TRUE(night->anomalous) << night->probability;
  EXPECT_NE(night->explanation.find("Monday 03:00-04:00 UTC"), std::string::npos);
  EXPECT_NE(night->explanation.find("08:00-18:00"), std::string::npos) << night->explanation;
  for (int hour : {8, 12, 17}) {
    auto day = finding(next(monday + hour * 3600), kUnusualAccessTime);
    EXPECT_FALSE(day->anomalous) << hour << ": " << day->probability;
  }
  // Saturday daytime was never seen either, but the same hour on weekdays
  // keeps it plausible.
  auto saturday = finding(next(monday + 5 * kDay + 11 * 3600), kUnusualAccessTime);
  EXPECT_FALSE(saturday->anomalous) << saturday->probability;
}

TEST_F(ScorerTest, UnusualLocationIsACountryNeverSeen) {
  Observation o = next(last_ + 3600);
  auto home = finding(o, kUnusualLocation);
  ASSERT_TRUE(home);
  EXPECT_FALSE(home->anomalous);
  o.country = "SE";
  o.city = "Linköping, SE";
  o.point = GeoPoint{58.4167, 15.6167};
  auto abroad = finding(o, kUnusualLocation);
  EXPECT_TRUE(abroad->anomalous);
  EXPECT_NE(abroad->explanation.find("first country SE"), std::string::npos) << abroad->explanation;
  EXPECT_NE(abroad->explanation.find("usual: GB"), std::string::npos);
}

TEST_F(ScorerTest, ATravellerMeetingNewCountriesIsNotUnusual) {
  std::mt19937 rng(3);
  const char* countries[] = {"FR", "DE", "IT", "ES", "PT", "NL", "BE", "AT", "CH", "DK"};
  for (int i = 0; i < 10; ++i) {
    Observation o = office_event(last_ + (i + 1) * kDay, rng);
    o.country = countries[i];
    o.point.reset();
    baseline_.learn(o, limits_);
  }
  Observation o = next(baseline_.last_seen_s + kDay);
  o.country = "SE";
  o.point.reset();
  auto f = finding(o, kUnusualLocation);
  EXPECT_FALSE(f->anomalous) << "10 new countries in 10 days: a new one is expected, p="
                             << f->probability;
}

TEST_F(ScorerTest, ImpossibleTravelNeedsSpeedAndDistance) {
  Observation o = next(last_ + 30 * 60);
  o.country = "US";
  o.city = "San Diego, US";
  o.point = kSanDiego;  // 8,800 km in 30 minutes
  auto fast = finding(o, kImpossibleTravel);
  ASSERT_TRUE(fast);
  EXPECT_TRUE(fast->anomalous);
  EXPECT_NE(fast->explanation.find("London, GB"), std::string::npos) << fast->explanation;
  o.time_s = last_ + 20 * 3600;  // 440 km/h: a flight
  EXPECT_FALSE(finding(o, kImpossibleTravel)->anomalous);
  o.time_s = last_ + 60;
  o.point = kBoxford;  // 83 km: below min_travel_km, GeoIP is not that precise
  EXPECT_FALSE(finding(o, kImpossibleTravel));
}

TEST_F(ScorerTest, NewDeviceIsAnotherBrowserOrOs) {
  Observation o = next(last_ + 3600);
  EXPECT_FALSE(finding(o, kNewDevice)->anomalous);
  o.device = "Chrome/Mac OS X";
  auto f = finding(o, kNewDevice);
  EXPECT_TRUE(f->anomalous);
  EXPECT_NE(f->explanation.find("Chrome/Mac OS X"), std::string::npos);
}

TEST_F(ScorerTest, UnusualResourceIsOneNeverAccessed) {
  Observation o = next(last_ + 3600);
  EXPECT_FALSE(finding(o, kUnusualResource)->anomalous);
  o.resource = "r:never";
  o.resource_name = "/hr/salaries.xlsx";
  auto f = finding(o, kUnusualResource);
  EXPECT_TRUE(f->anomalous);
  EXPECT_NE(f->explanation.find("/hr/salaries.xlsx"), std::string::npos) << f->explanation;
  EXPECT_EQ(f->explanation.find("r:"), std::string::npos) << "hashes mean nothing to a reader";
}

TEST_F(ScorerTest, DataVolumeSpikeAgainstTheEntitysOwnHistory) {
  Observation o = next(last_ + 3600);
  o.bytes = 3.0 * (1 << 20);  // 3 MB: within the usual spread
  EXPECT_FALSE(finding(o, kDataVolumeSpike)->anomalous);
  o.bytes = 400.0 * (1 << 20);
  auto f = finding(o, kDataVolumeSpike);
  EXPECT_TRUE(f->anomalous);
  EXPECT_EQ(f->severity, Severity::kHigh);  // > 100x
  EXPECT_NE(f->explanation.find("400.0 MB"), std::string::npos) << f->explanation;
}

}  // namespace
}  // namespace vigil::behavior
