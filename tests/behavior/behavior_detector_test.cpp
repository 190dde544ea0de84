// The detector on real events: alerts only after the learning period, each
// named by its anomaly type and explained; entities are bounded; baselines
// survive a restart through behavior.db; the entity view is sanitized.
#include "behavior/behavior_detector.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <mutex>

#include "core/json_writer.h"
#include "core/timestamp.h"
#include "support/detect_stages.h"
#include "support/test_data.h"

namespace vigil::behavior {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1'704'067'200;  // 2024-01-01T00:00:00Z, a Monday

using vigil::testing::CollectingSink;

std::shared_ptr<const Sanitizer> sanitizer() {
  SanitizeConfig c;
  c.pseudonymize_key = "0123456789abcdef-test-key";
  c.actions["email"] = "pseudonymize";
  return *Sanitizer::create(c);
}

BehaviorConfig test_config() {
  BehaviorConfig c;
  c.user_agent_regexes.clear();  // device ids only: no regex loading in these tests
  c.min_events = 20;
  c.min_days = 3;
  return c;
}

Event event(const std::string& user, int64_t t, const std::string& country = "GB",
            double lat = 51.5142, double lon = -0.0931, const std::string& device = "laptop-1") {
  Event e;
  e.time = Timestamp::from_seconds(t);
  e.doc =
      Object{{"user", Object{{"name", user}}},
             {"event", Object{{"action", "login"}}},
             {"device_id", device},
             {"source", Object{{"ip", "81.2.69.142"},
                               {"geo", Object{{"country_iso_code", country},
                                              {"location", Object{{"lat", lat}, {"lon", lon}}}}}}}};
  return e;
}

// Five weekdays of 09:00-16:00 logins: 35 events over 4+ days; `hinted`:
// each after the lane's hint (Detector::prefetch), as the pipeline runs them.
void learn_routine(Detector& d, AlertSink& sink, const std::string& user, bool hinted = false) {
  for (int day = 0; day < 5; ++day) {
    for (int h = 9; h < 16; ++h) {
      Event e = event(user, kStart + day * kDay + h * 3600);
      if (hinted) d.prefetch(user, XXH3_64bits(user.data(), user.size()));
      d.on_event(e, sink);
    }
  }
}

TEST(BehaviorDetector, NoAlertDuringLearningThenExplainedAlertsByType) {
  auto d = BehaviorDetector::create(test_config(), sanitizer(), nullptr, nullptr);
  ASSERT_TRUE(d) << d.error().message;
  CollectingSink sink;
  // Day one, 03:00: an hour this user never works in later, but nothing is
  // unusual for a user seen for the first time.
  Event first = event("alice@example.com", kStart + 3 * 3600);
  (*d)->on_event(first, sink);
  learn_routine(**d, sink, "alice@example.com");
  EXPECT_TRUE(sink.alerts.empty()) << sink.rules().size();

  // Sunday 22:00 (never active then), from the US (a new country) on a new
  // device; 8,800 km from London but 55 hours after the last login.
  const int64_t odd_t = kStart + 6 * kDay + 22 * 3600;
  Event odd = event("alice@example.com", odd_t, "US", 32.74, -117.09, "tablet-3");
  (*d)->on_event(odd, sink);
  auto rules = sink.rules();
  std::sort(rules.begin(), rules.end());
  EXPECT_EQ(rules,
            (std::vector<std::string>{"new_device", "unusual_access_time", "unusual_location"}));
  for (const auto& a : sink.alerts) {
    EXPECT_FALSE(a.description.empty());
    EXPECT_FALSE(a.title.empty());
    EXPECT_EQ(a.time.seconds(), odd_t);
    EXPECT_EQ(a.events.size(), 1u);
  }
  EXPECT_EQ(odd.severity, Severity::kMedium) << "raised to the highest alert's severity";

  // Back in London half an hour later: impossible travel.
  sink.alerts.clear();
  Event back = event("alice@example.com", odd_t + 1800);
  (*d)->on_event(back, sink);
  rules = sink.rules();
  EXPECT_NE(std::find(rules.begin(), rules.end(), "impossible_travel"), rules.end());
  EXPECT_EQ(back.severity, Severity::kHigh);
}

// The lane's hint before an event changes nothing: the same alerts, in the
// same order, as without it, and an unknown entity is not created by it.
TEST(BehaviorDetector, PrefetchChangesNothing) {
  auto hinted = BehaviorDetector::create(test_config(), sanitizer(), nullptr, nullptr);
  auto plain = BehaviorDetector::create(test_config(), sanitizer(), nullptr, nullptr);
  ASSERT_TRUE(hinted && plain);
  (*hinted)->prefetch("carol", XXH3_64bits("carol", 5));
  EXPECT_EQ((*hinted)->tracked_entities(), 0u);
  CollectingSink hinted_sink, plain_sink;
  learn_routine(**plain, plain_sink, "alice");
  learn_routine(**hinted, hinted_sink, "alice", /*hinted=*/true);
  const int64_t odd_t = kStart + 6 * kDay + 22 * 3600;
  Event odd_plain = event("alice", odd_t, "US", 32.74, -117.09, "tablet-3");
  Event odd_hinted = odd_plain;
  (*plain)->on_event(odd_plain, plain_sink);
  (*hinted)->prefetch("alice", XXH3_64bits("alice", 5));
  (*hinted)->on_event(odd_hinted, hinted_sink);
  EXPECT_EQ(plain_sink.rules().size(), 3u) << "new device, unusual hour and country";
  EXPECT_EQ(hinted_sink.rules(), plain_sink.rules());
  EXPECT_EQ(odd_hinted.severity, odd_plain.severity);
  EXPECT_EQ((*hinted)->tracked_entities(), 1u);
}

TEST(BehaviorDetector, TrackedEntitiesAreBounded) {
  BehaviorConfig c = test_config();
  c.max_entities = 32;  // 2 per shard
  auto d = BehaviorDetector::create(c, sanitizer(), nullptr, nullptr);
  ASSERT_TRUE(d);
  CollectingSink sink;
  for (int i = 0; i < 500; ++i) {
    Event e = event("user" + std::to_string(i), kStart + i);
    (*d)->on_event(e, sink);
  }
  EXPECT_LE((*d)->tracked_entities(), 32u);
  EXPECT_GT((*d)->tracked_entities(), 0u);
  EXPECT_TRUE((*d)->describe("user", "user499"));
  EXPECT_FALSE((*d)->describe("user", "user0")) << "least recently seen: evicted";
}

TEST(BehaviorDetector, BaselinesSurviveARestart) {
  const auto dir = vigil::testing::make_temp_dir("vigil-behavior");
  CollectingSink sink;
  {
    auto store = BaselineStore::open(dir);
    ASSERT_TRUE(store) << store.error().message;
    auto d = BehaviorDetector::create(test_config(), sanitizer(), nullptr, std::move(*store));
    ASSERT_TRUE(d);
    learn_routine(**d, sink, "alice@example.com");
  }  // destroyed: flushed
  auto store = BaselineStore::open(dir);
  ASSERT_TRUE(store);
  auto d = BehaviorDetector::create(test_config(), sanitizer(), nullptr, std::move(*store));
  ASSERT_TRUE(d);
  auto view = (*d)->describe("user", "alice@example.com");
  ASSERT_TRUE(view) << "the stored baseline answers before the user is seen again";
  EXPECT_EQ(view->find("events")->as_uint(), 35u);
  EXPECT_FALSE(view->find("learning")->as_bool());
  // The restored baseline scores: the first event after the restart, from a
  // new country, alerts at once (a fresh baseline would still be learning).
  Event odd = event("alice@example.com", kStart + 6 * kDay + 10 * 3600, "SE", 58.41, 15.61);
  (*d)->on_event(odd, sink);
  auto rules = sink.rules();
  EXPECT_EQ(rules, (std::vector<std::string>{"unusual_location"}));
  std::filesystem::remove_all(dir);
}

TEST(BehaviorDetector, EvictedBaselinesAreWrittenBackAndComeBack) {
  const auto dir = vigil::testing::make_temp_dir("vigil-behavior-evict");
  BehaviorConfig c = test_config();
  c.max_entities = 16;  // one per shard
  const std::string alice = "alice@example.com";
  // Others push her out of memory. Their events are older than hers: the
  // store keeps the max_entities most recently seen, and she must be one.
  const auto crowd_out = [&](Detector& d, AlertSink& sink) {
    for (int i = 0; i < 200; ++i) {
      Event e = event("user" + std::to_string(i), kStart - 10 * kDay + i);
      d.on_event(e, sink);
    }
  };
  const auto events_of = [&](BehaviorDetector& d) -> uint64_t {
    auto view = d.describe("user", alice);
    return view ? view->find("events")->as_uint() : 0;
  };
  CollectingSink sink;
  {
    auto store = BaselineStore::open(dir);
    ASSERT_TRUE(store) << store.error().message;
    auto d = BehaviorDetector::create(c, sanitizer(), nullptr, std::move(*store));
    ASSERT_TRUE(d);
    learn_routine(**d, sink, alice);
    ASSERT_EQ(events_of(**d), 35u);
    crowd_out(**d, sink);
    EXPECT_EQ(events_of(**d), 0u) << "evicted from memory";

    // Back before any flush: her baseline is taken from the pending write.
    Event back = event(alice, kStart + 6 * kDay + 10 * 3600);
    (*d)->on_event(back, sink);
    EXPECT_EQ(events_of(**d), 36u);

    // Evicted again and flushed: read back from behavior.db.
    crowd_out(**d, sink);
    ASSERT_TRUE((*d)->flush());
    EXPECT_EQ(events_of(**d), 0u);
    Event again = event(alice, kStart + 7 * kDay + 10 * 3600);
    (*d)->on_event(again, sink);
    EXPECT_EQ(events_of(**d), 37u);
    crowd_out(**d, sink);
  }  // destroyed while she is evicted: the last flush writes her too
  auto store = BaselineStore::open(dir);
  ASSERT_TRUE(store);
  auto d = BehaviorDetector::create(c, sanitizer(), nullptr, std::move(*store));
  ASSERT_TRUE(d);
  EXPECT_EQ(events_of(**d), 37u);
  std::filesystem::remove_all(dir);
}

TEST(BehaviorDetector, EntityViewIsSanitizedAndFoundByPseudonym) {
  auto d = BehaviorDetector::create(test_config(), sanitizer(), nullptr, nullptr);
  ASSERT_TRUE(d);
  CollectingSink sink;
  learn_routine(**d, sink, "alice@example.com");
  auto view = (*d)->describe("user", "alice@example.com");
  ASSERT_TRUE(view);
  const std::string text = to_json(*view);
  EXPECT_EQ(text.find("alice"), std::string::npos) << text;
  const std::string pseudonym = view->find("entity")->as_string();
  EXPECT_EQ(pseudonym, sanitizer()->pseudonymize("alice@example.com"));
  auto by_pseudonym = (*d)->describe("user", pseudonym);
  ASSERT_TRUE(by_pseudonym);
  EXPECT_EQ(to_json(*by_pseudonym), text);
  EXPECT_FALSE((*d)->describe("host", "alice@example.com")) << "this instance tracks users";
  EXPECT_FALSE((*d)->describe("user", "bob"));
}

}  // namespace
}  // namespace vigil::behavior
