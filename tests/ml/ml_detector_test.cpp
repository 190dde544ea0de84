// The ML detector end to end on generated traffic: silent before its first
// training, trains in the background and swaps models atomically, survives a
// restart through its model files, alerts an injected anomaly with an
// explanation naming what drove it while normal events mostly pass, never
// alerts from a model trained on constant data, gives the same alerts on one
// shared reading of each event with the behaviour detector, and keeps personal data out
// of the alert JSON.
#include "ml/ml_detector.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "alert/alert_router.h"
#include "ml/behavior_and_ml.h"
#include "ml/traffic.h"
#include "support/detect_stages.h"

namespace vigil::ml {
namespace {

using gen::kDay;
using gen::kMonday;
using gen::Spec;
using gen::Traffic;

using vigil::testing::CollectingSink;

std::shared_ptr<const Sanitizer> sanitizer() {
  SanitizeConfig c;
  c.pseudonymize_key = "0123456789abcdef-test-key";
  c.actions["email"] = "pseudonymize";
  return *Sanitizer::create(c);
}

MlConfig test_config() {
  MlConfig c;
  c.min_training_rows = 500;
  c.reservoir_size = 8192;
  c.reservoir_horizon = 0;
  return c;
}

std::filesystem::path temp_dir(const char* name) {
  auto dir =
      std::filesystem::temp_directory_path() / fmt::format("vigil_mld_{}_{}", name, getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

std::shared_ptr<MlDetector> make(const MlConfig& c, std::filesystem::path dir = {},
                                 bool background = false) {
  auto d = MlDetector::create(c, sanitizer(), nullptr, {std::move(dir), background});
  EXPECT_TRUE(d) << d.error().message;
  return *d;
}

void feed(MlDetector& d, const std::vector<Spec>& specs, AlertSink& sink) {
  for (const Spec& s : specs) {
    Event e = gen::to_event(s);
    d.on_event(e, sink);
  }
}

// A file access of `kb` by user `u` at `time_s`, otherwise normal.
Spec file_access(const gen::User& u, int64_t time_s, double kb) {
  Spec s;
  s.user = &u;
  s.time_s = time_s;
  s.ip = u.ips[0];
  s.resource = u.resources[0];
  s.kb = kb;
  s.country = u.home.country;
  s.lat = u.home.lat;
  s.lon = u.home.lon;
  return s;
}

// At 03:00 of `day_start`, 60x the user's usual volume, from North Korea.
Spec night_access_from_kp(const gen::User& u, int64_t day_start) {
  Spec s = file_access(u, day_start + 3 * 3600, 60 * u.median_kb);
  s.country = "KP";
  s.lat = 39.03;
  s.lon = 125.75;
  return s;
}

// The geometric mean of the volumes `user` moved in `specs`: what "usual" means.
double usual_kb(const std::vector<Spec>& specs, const gen::User& user) {
  double sum = 0;
  int n = 0;
  for (const Spec& s : specs) {
    if (s.user != &user || s.login) continue;
    sum += std::log1p(s.kb);
    ++n;
  }
  return std::expm1(sum / n);
}

const Alert* alert_for(const CollectingSink& sink, std::string_view rule, int64_t time_s) {
  for (const Alert& a : sink.alerts)
    if (a.rule == rule && a.time.seconds() == time_s) return &a;
  return nullptr;
}

std::string context_string(const Alert& a, std::string_view key) {
  for (const auto& [k, v] : a.context.as_object())
    if (k == key && v.is_string()) return v.as_string();
  return {};
}

double context_number(const Alert& a, std::string_view key) {
  for (const auto& [k, v] : a.context.as_object())
    if (k == key && v.is_number()) return v.number();
  return -1;
}

std::vector<std::string> driver_features(const Alert& a) {
  std::vector<std::string> out;
  for (const auto& [k, v] : a.context.as_object()) {
    if (k != "drivers") continue;
    for (const Value& d : v.as_array())
      for (const auto& [dk, dv] : d.as_object())
        if (dk == "feature") out.push_back(dv.as_string());
  }
  return out;
}

TEST(MlDetector, NoAlertBeforeTheFirstTraining) {
  Traffic traffic(20);
  auto d = make(test_config());
  CollectingSink sink;
  feed(*d, traffic.days(0, 14, 10), sink);
  // Grotesque events too: without a model nothing is judged.
  for (int i = 0; i < 20; ++i)
    feed(*d, {file_access(traffic.users()[0], kMonday + 13 * kDay + 3 * 3600 + i, 1e7)}, sink);
  EXPECT_TRUE(sink.alerts.empty());
  EXPECT_EQ(d->model("general"), nullptr);
  EXPECT_EQ(d->trainings(), 0u);  // on_event never trains
  // Once trained (here by hand), there is a model per event type too.
  EXPECT_EQ(d->retrain_now(), 3u);
  ASSERT_NE(d->model("general"), nullptr);
  ASSERT_NE(d->model("login"), nullptr);
  ASSERT_NE(d->model("file_access"), nullptr);
  EXPECT_FALSE(d->model("general")->degenerate);
  // No new rows: nothing to retrain.
  EXPECT_EQ(d->retrain_now(), 0u);
}

TEST(MlDetector, TrainsInTheBackgroundAndSwapsAtomically) {
  MlConfig c = test_config();
  c.per_event_type = false;
  c.retrain_interval_s = 0.05;
  Traffic traffic(20);
  auto d = make(c, {}, true);
  CollectingSink sink;
  const auto wait_for_generation = [&](uint64_t g) {
    for (int i = 0; i < 400; ++i) {
      auto m = d->model("general");
      if (m && m->header.generation >= g) return m;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return std::shared_ptr<const TrainedModel>();
  };
  feed(*d, traffic.days(0, 7, 10), sink);
  ASSERT_NE(wait_for_generation(1), nullptr) << "no background training within 10 s";
  // A training may have started before the last rows arrived: wait until
  // the trainer has been idle for several intervals (no new rows, no swap).
  for (int stable = 0, i = 0; stable < 8 && i < 400; ++i) {
    const uint64_t seen = d->trainings();
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    stable = d->trainings() == seen ? stable + 1 : 0;
  }
  const auto first = d->model("general");
  const FeatureRow probe{0.5f, 0.8f, 0.1f, 0.9f, 5.0f, 1.0f, 1.5f, 0.1f};
  const double before = *first->forest.score_sample(probe);

  // Until the next swap every reader gets the very same model.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(d->model("general"), first);
  feed(*d, traffic.days(7, 14, 10), sink);
  const auto second = wait_for_generation(first->header.generation + 1);
  ASSERT_NE(second, nullptr) << "no retraining within 10 s";
  EXPECT_NE(second, first);
  EXPECT_GT(second->header.rows, first->header.rows);
  // The old model, still held, is untouched by the swap.
  EXPECT_EQ(*first->forest.score_sample(probe), before);
  EXPECT_GE(d->trainings(), 2u);
}

TEST(MlDetector, OnTheEventClockTrainsInTheStreamAtEventTimes) {
  MlConfig c = test_config();
  c.retrain_interval_s = kDay;
  c.retrain_min_new_rows = 100;
  const auto run = [&](std::vector<Alert>& out) {
    Traffic traffic(20);
    auto d = *MlDetector::create(c, sanitizer(), nullptr, {.event_clock = true});
    CollectingSink sink;
    const auto specs = traffic.days(0, 21, 10);
    feed(*d, specs, sink);
    out = std::move(sink.alerts);
    return d;
  };
  std::vector<Alert> first, second;
  const auto d = run(first);
  run(second);
  // Trained without retrain_now() or a thread, on the events' time: the file
  // header's training time is an event's day, not today's wall clock.
  const auto general = d->model("general");
  ASSERT_NE(general, nullptr);
  EXPECT_GT(general->header.generation, 5u);  // ~one pass per weekday once 500 rows are in
  EXPECT_GE(general->header.trained_at, kMonday);
  EXPECT_LT(general->header.trained_at, kMonday + 21 * kDay);
  EXPECT_GE(d->trainings(), general->header.generation);
  // The same events give the same alerts, down to the score.
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].rule, second[i].rule);
    EXPECT_EQ(first[i].time.micros, second[i].time.micros);
    EXPECT_EQ(first[i].confidence, second[i].confidence);
  }
}

TEST(MlDetector, RetrainsOnlyAfterEnoughNewRows) {
  MlConfig c = test_config();
  c.per_event_type = false;
  c.retrain_min_new_rows = 300;
  Traffic traffic(20);
  auto d = make(c);
  CollectingSink sink;
  feed(*d, traffic.days(0, 7, 10), sink);  // 1,000 rows
  ASSERT_EQ(d->retrain_now(), 1u);
  EXPECT_EQ(d->retrain_now(), 0u);  // nothing new
  // (Fewer than 300 new rows retrain only when one lies beyond the trained
  // range: tests/ml/model_slot_test.cpp, with rows chosen for it.)
  feed(*d, traffic.days(7, 9, 10), sink);  // 400 new rows
  EXPECT_EQ(d->retrain_now(), 1u);
  EXPECT_EQ(d->model("general")->header.generation, 2u);
}

TEST(MlDetector, ModelsSurviveARestartAndScoreIdentically) {
  const auto dir = temp_dir("restart");
  Traffic traffic(20);
  CollectingSink sink;
  std::shared_ptr<const TrainedModel> saved_general, saved_login;
  {
    auto d = make(test_config(), dir);
    feed(*d, traffic.days(0, 14, 10), sink);
    ASSERT_EQ(d->retrain_now(), 3u);
    saved_general = d->model("general");
    saved_login = d->model("login");
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "general.forest"));
  EXPECT_TRUE(std::filesystem::exists(dir / "type-login.forest"));
  EXPECT_TRUE(std::filesystem::exists(dir / "type-file_access.forest"));

  auto restarted = make(test_config(), dir);
  EXPECT_EQ(restarted->trainings(), 0u);
  const auto general = restarted->model("general");
  const auto login = restarted->model("login");
  ASSERT_NE(general, nullptr);
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(general->header.generation, saved_general->header.generation);
  EXPECT_EQ(general->forest.offset(), saved_general->forest.offset());
  anomaly::Random random(5);
  for (int i = 0; i < 500; ++i) {
    FeatureRow row;
    for (float& v : row) v = static_cast<float>(random.unit() * 8 - 2);
    ASSERT_EQ(*general->forest.score_sample(row), *saved_general->forest.score_sample(row));
    ASSERT_EQ(*login->forest.score_sample(row), *saved_login->forest.score_sample(row));
  }
  // And it judges events at once with the loaded models, before any
  // retraining: the same injected anomaly is alerted by both.
  const Spec away = night_access_from_kp(traffic.users()[3], kMonday + 20 * kDay);
  CollectingSink after;
  Traffic same(20);  // the same users and history, replayed into the new detector
  feed(*restarted, same.days(0, 14, 10), after);
  after.alerts.clear();
  feed(*restarted, {away}, after);
  EXPECT_EQ(after.count("ml_anomaly"), 1u);
  EXPECT_EQ(restarted->trainings(), 0u);
  std::filesystem::remove_all(dir);
}

TEST(MlDetector, ReservoirsAndEntityHistoriesSurviveARestart) {
  const auto dir = temp_dir("state");
  Traffic traffic(20);
  CollectingSink sink;
  size_t general_rows = 0, login_rows = 0, entities = 0;
  {
    auto d = make(test_config(), dir);
    feed(*d, traffic.days(0, 14, 10), sink);
    ASSERT_EQ(d->retrain_now(), 3u);
    feed(*d, traffic.days(14, 15, 10), sink);  // rows after the training too
    general_rows = d->reservoir_rows("general");
    login_rows = d->reservoir_rows("login");
    entities = d->tracked_entities();
  }
  EXPECT_GT(general_rows, 2000u);
  EXPECT_EQ(entities, 20u);
  EXPECT_TRUE(std::filesystem::exists(dir / "general.rows"));
  EXPECT_TRUE(std::filesystem::exists(dir / "type-login.rows"));
  EXPECT_TRUE(std::filesystem::exists(dir / "entities.bin"));

  auto restarted = make(test_config(), dir);
  EXPECT_EQ(restarted->reservoir_rows("general"), general_rows);
  EXPECT_EQ(restarted->reservoir_rows("login"), login_rows);
  EXPECT_EQ(restarted->dormant_entities(), entities);
  EXPECT_EQ(restarted->tracked_entities(), 0u);
  // The restored rows count as trained on: a retraining waits for new ones.
  EXPECT_EQ(restarted->retrain_now(), 0u);
  // A known user from a new country is judged against their history at once:
  // a place feature (new place, distance, travel) drives the alert, which a
  // fresh history (too young for novelty, distance or travel) could not give.
  const Spec away = night_access_from_kp(traffic.users()[3], kMonday + 16 * kDay);
  CollectingSink after;
  feed(*restarted, {away}, after);
  EXPECT_EQ(restarted->dormant_entities(), entities - 1);
  const Alert* a = alert_for(after, "ml_anomaly", away.time_s);
  ASSERT_NE(a, nullptr);
  const auto features = driver_features(*a);
  const auto has = [&](const char* f) {
    return std::find(features.begin(), features.end(), f) != features.end();
  };
  EXPECT_TRUE(has("new_place") || has("geo_distance_km_log") || has("travel_excess_kmh_log"))
      << a->description;
  restarted.reset();  // saves its state before the directory goes
  std::filesystem::remove_all(dir);
}

TEST(MlDetector, InjectedAnomalyIsAlertedAndExplainedNormalTrafficMostlyNot) {
  MlConfig c = test_config();
  Traffic traffic(40);
  auto d = make(c);
  CollectingSink sink;
  const auto history = traffic.days(0, 21, 10);
  feed(*d, history, sink);
  ASSERT_EQ(d->retrain_now(), 3u);
  const auto general = d->model("general");

  // Normal traffic after training: flagged at about the contamination rate,
  // the share of training rows the model's cut leaves above it.
  const auto normal = traffic.days(21, 28, 10);
  feed(*d, normal, sink);
  const double flagged = static_cast<double>(sink.count("ml_anomaly")) / normal.size();
  EXPECT_LE(flagged, 4 * c.contamination) << sink.count("ml_anomaly") << " of " << normal.size();

  // 40x a user's usual volume at 03:00 on a Sunday from a new country and
  // IP, far from home: alerted, and every driver named is one of the things
  // that changed.
  const auto& user = traffic.users()[7];
  const double usual = usual_kb(history, user);
  const int64_t t = kMonday + 34 * kDay + 3 * 3600;  // Sunday 03:00
  Spec away = file_access(user, t, 40 * usual);
  away.country = "KP";
  away.lat = 39.03;
  away.lon = 125.75;
  away.ip = "175.45.176.3";
  feed(*d, {away}, sink);
  const Alert* alert = alert_for(sink, "ml_anomaly", t);
  ASSERT_NE(alert, nullptr) << "injected anomaly not alerted";
  EXPECT_EQ(context_string(*alert, "model"), "general");
  EXPECT_NE(alert->description.find("general model"), std::string::npos);
  EXPECT_GE(context_number(*alert, "anomaly_score"), context_number(*alert, "cut"));
  EXPECT_GE(context_number(*alert, "anomaly_score"), c.severity.low);
  // (hour_sin, week_sin and new_ip changed too, but are not model features.)
  const std::set<std::string> changed = {"data_volume_kb_log", "volume_vs_usual_log",
                                         "hour_rarity_bits", "new_place", "geo_distance_km_log"};
  const auto drivers = driver_features(*alert);
  ASSERT_FALSE(drivers.empty());
  for (const auto& f : drivers) EXPECT_TRUE(changed.count(f)) << f << ": " << alert->description;
  // Each driver is said in words with the data's own numbers: the volume as
  // "NNx this user's usual" (NN from the generated volumes; the detector's
  // usual is a running mean over the last ~50, so within 30%), the place by
  // its country.
  const std::string& text = alert->description;
  if (std::count(drivers.begin(), drivers.end(), "volume_vs_usual_log")) {
    const size_t x = text.find("x this user's usual");
    ASSERT_NE(x, std::string::npos) << text;
    const size_t digits = text.rfind(' ', x) + 1;
    EXPECT_NEAR(std::stod(text.substr(digits, x - digits)), 40, 12) << text;
  }
  if (std::count(drivers.begin(), drivers.end(), "new_place")) {
    EXPECT_NE(text.find("first event from country KP"), std::string::npos) << text;
  }
  if (std::count(drivers.begin(), drivers.end(), "hour_rarity_bits")) {
    EXPECT_NE(text.find("at 03:00 UTC"), std::string::npos) << text;
  }
}

TEST(MlDetector, ConstantTrainingDataRaisesNoAlert) {
  MlConfig c = test_config();
  c.per_event_type = false;
  auto d = make(c);
  CollectingSink sink;
  // Each user's first event, all alike: every feature row is the same.
  Traffic traffic(1200);
  for (const auto& u : traffic.users()) feed(*d, {file_access(u, kMonday + 9 * 3600, 100)}, sink);
  ASSERT_EQ(d->retrain_now(), 1u);
  ASSERT_NE(d->model("general"), nullptr);
  EXPECT_TRUE(d->model("general")->degenerate);
  feed(*d, {file_access(traffic.users()[0], kMonday + 3 * 3600 + 6 * kDay, 1e7)}, sink);
  EXPECT_TRUE(sink.alerts.empty());
}

TEST(MlDetector, AlertJsonCarriesNoPersonalData) {
  Traffic traffic(30, 11, "example.com");
  auto d = make(test_config());
  CollectingSink sink;
  feed(*d, traffic.days(0, 21, 10), sink);
  ASSERT_EQ(d->retrain_now(), 3u);
  sink.alerts.clear();

  const auto& user = traffic.users()[2];  // user2@example.com
  Spec s = file_access(user, kMonday + 34 * kDay + 3 * 3600, 80 * user.median_kb);
  s.country = "KP";
  s.lat = 39.03;
  s.lon = 125.75;
  Event e = gen::to_event(s);
  auto& doc = e.doc.as_object();
  doc.emplace_back("password", "hunter2-Secret");
  doc.emplace_back("message",
                   "login password=hunter2-Secret ssn 123-45-6789 card "
                   "4111 1111 1111 1111 mail user2@example.com");
  doc.emplace_back("db", Object{{"statement",
                                 "SELECT * FROM people WHERE ssn='123-45-6789' "
                                 "AND email='user2@example.com'"}});
  d->on_event(e, sink);
  ASSERT_FALSE(sink.alerts.empty()) << "the anomaly was not alerted";

  AlertRouter router(AlertsConfig{.outputs = {}}, sanitizer(), nullptr, nullptr);
  const std::string pseudonym = sanitizer()->pseudonymize(user.name);
  for (const Alert& a : sink.alerts) {
    const std::string json = router.body_json(a);
    for (const char* secret :
         {"user2@example.com", "hunter2", "123-45-6789", "4111 1111 1111 1111", "175.45.176.3"})
      EXPECT_EQ(json.find(secret), std::string::npos) << secret << " in " << json;
    // The description names the entity by pseudonym.
    EXPECT_NE(a.description.find(pseudonym), std::string::npos) << a.description;
    EXPECT_EQ(a.description.find(user.name), std::string::npos) << a.description;
  }
}

// BehaviorAndMl reads each event once for both detectors, hinted at it before
// its turn as the lanes do (Detector::prefetch): the alerts must be exactly
// those of the two detectors each reading the event themselves, unhinted.
TEST(BehaviorAndMl, OneReadingAndHintsGiveTheAlertsOfBothDetectorsApart) {
  BehaviorConfig bc;
  bc.user_agent_regexes.clear();  // no regex loading: devices from ids (none here)
  bc.min_events = 20;
  bc.min_days = 3;
  MlConfig mc = test_config();
  const auto pair = [&] {
    auto b = behavior::BehaviorDetector::create(bc, sanitizer(), nullptr, nullptr);
    EXPECT_TRUE(b) << b.error().message;
    MlDetector::Options o{.background = false};
    o.observed = bc;
    o.learning_min_events = 20;
    o.learning_min_days = 3;
    auto m = MlDetector::create(mc, sanitizer(), nullptr, o);
    EXPECT_TRUE(m) << m.error().message;
    return std::make_pair(*b, *m);
  };
  auto [b_apart, m_apart] = pair();
  auto [b_shared, m_shared] = pair();
  BehaviorAndMl shared(b_shared, m_shared);
  EXPECT_EQ(shared.name(), "behavior+ml");

  Traffic traffic(30);
  std::vector<Spec> specs = traffic.days(0, 21, 8);
  const size_t trained_at = specs.size();
  for (const Spec& s : traffic.days(21, 28, 8)) specs.push_back(s);
  for (int i = 0; i < 3; ++i)
    specs.push_back(
        night_access_from_kp(traffic.users()[static_cast<size_t>(i)], kMonday + (28 + i) * kDay));
  const auto hint = [&shared](const std::string& user) {
    shared.prefetch(user, XXH3_64bits(user.data(), user.size()));
  };
  hint(specs[0].user->name);
  EXPECT_EQ(b_shared->tracked_entities(), 0u) << "a hint creates no entity";
  EXPECT_EQ(m_shared->tracked_entities(), 0u);
  CollectingSink apart, together;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i == trained_at) {
      const size_t models = m_apart->retrain_now();
      ASSERT_GT(models, 0u);
      ASSERT_EQ(m_shared->retrain_now(), models);
    }
    Event e1 = gen::to_event(specs[i]);
    Event e2 = gen::to_event(specs[i]);
    b_apart->on_event(e1, apart);
    m_apart->on_event(e1, apart);
    hint(specs[i].user->name);
    shared.on_event(e2, together);
    ASSERT_EQ(e1.severity, e2.severity) << "event " << i;
  }
  ASSERT_EQ(apart.alerts.size(), together.alerts.size());
  size_t behavior = 0, ml = 0;
  for (size_t i = 0; i < apart.alerts.size(); ++i) {
    EXPECT_EQ(apart.alerts[i].rule, together.alerts[i].rule);
    EXPECT_EQ(apart.alerts[i].description, together.alerts[i].description);
    EXPECT_EQ(apart.alerts[i].time.micros, together.alerts[i].time.micros);
    (apart.alerts[i].rule.starts_with("ml_anomaly") ? ml : behavior) += 1;
  }
  // Both detectors spoke (the comparison is not of two empty lists).
  EXPECT_GT(behavior, 0u);
  EXPECT_GT(ml, 0u);
}

}  // namespace
}  // namespace vigil::ml
