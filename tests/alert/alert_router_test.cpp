#include "alert/alert_router.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/field_path.h"
#include "support/test_data.h"

namespace vigil {
namespace {

constexpr const char* kSecrets[] = {"alice@example.com", "hunter2", "123-45-6789",
                                    "4111111111111111", "203.0.113.77"};

Value event_full_of_pii() {
  Value doc;
  FieldPath("user.name").set(doc, "alice@example.com");
  FieldPath("source.ip").set(doc, "203.0.113.77");
  FieldPath("host.name").set(doc, "db01");
  doc.set("password", "hunter2");
  doc.set("message", "ssn 123-45-6789 card 4111111111111111 from alice@example.com");
  return doc;
}

Alert make_alert(Timestamp t) {
  Alert a;
  a.rule = "excessive_failed_logins";
  a.rule_id = "0e95725d-7320-415d-80f7-004da920fc11";
  a.title = "Excessive failed logins";
  a.severity = Severity::kHigh;
  a.description = "failures for alice@example.com";
  a.time = t;
  a.tags = {"attack.credential_access", "attack.t1110"};
  a.author = "vigil";
  a.events.push_back(event_full_of_pii());
  a.context.set("note", "password=hunter2");
  return a;
}

class AlertRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("vigil-alert-router");
    SanitizeConfig sc;
    sc.pseudonymize_key = "0123456789abcdef0123456789abcdef";
    auto s = Sanitizer::create(sc);
    ASSERT_TRUE(s) << s.error().message;
    sanitizer_ = *s;
    auto store = AlertStore::open(dir_);
    ASSERT_TRUE(store);
    config_.outputs = {AlertOutputConfig{.type = "file", .path = (dir_ / "alerts.jsonl").string()}};
    router_ = std::make_unique<AlertRouter>(config_, sanitizer_, &metrics_, std::move(*store));
    ASSERT_TRUE(router_->add_configured_outputs(config_));
  }
  void TearDown() override {
    router_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::string> output_lines() {
    std::ifstream in(dir_ / "alerts.jsonl");
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }

  std::filesystem::path dir_;
  AlertsConfig config_;
  VigilMetrics metrics_;
  std::shared_ptr<const Sanitizer> sanitizer_;
  std::unique_ptr<AlertRouter> router_;
};

TEST_F(AlertRouterTest, NothingSensitiveReachesTheStoreOrTheOutputs) {
  router_->emit(make_alert(Timestamp{1'700'000'000'000'000}));
  router_->flush();
  const auto lines = output_lines();
  ASSERT_EQ(lines.size(), 1u);
  auto stored = router_->store()->query({});
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 1u);
  const std::string api_json = alert_json((*stored)[0]);
  for (const std::string& text : {lines[0], api_json}) {
    for (const char* secret : kSecrets) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
    }
    EXPECT_NE(text.find(R"("rule_name":"excessive_failed_logins")"), std::string::npos);
    EXPECT_NE(text.find(R"("attack.t1110")"), std::string::npos);
    EXPECT_NE(text.find(R"("author":"vigil")"), std::string::npos);
    EXPECT_NE(text.find(R"("host":"db01")"), std::string::npos) << "entity from the event";
  }
  // The whole SQLite directory (database and WAL) holds none of them either.
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    const std::string bytes = testing::read_file(f.path());
    for (const char* secret : kSecrets) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << f.path();
    }
  }
}

// The `log` output writes one sanitized summary line, not the whole alert: a
// replay's alerts must not flood the log with their events.
TEST_F(AlertRouterTest, TheLogOutputWritesOneSanitizedSummaryLine) {
  auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(16);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", ring));
  config_.outputs = {AlertOutputConfig{.type = "log"}};
  ASSERT_TRUE(router_->add_configured_outputs(config_));
  Alert a = make_alert(Timestamp{1'700'000'000'000'000});
  a.title = "Excessive failed logins\nforged line";
  router_->emit(std::move(a));
  router_->flush();
  const auto lines = ring->last_formatted();
  spdlog::set_default_logger(previous);
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0];
  EXPECT_NE(line.find("[warning]"), std::string::npos) << "a high alert is a warning: " << line;
  EXPECT_NE(line.find("rule=\"excessive_failed_logins\""), std::string::npos) << line;
  EXPECT_NE(line.find("rule_id=0e95725d-7320-415d-80f7-004da920fc11"), std::string::npos) << line;
  EXPECT_NE(line.find("host=\"db01\""), std::string::npos) << line;
  EXPECT_NE(line.find("author=\"vigil\""), std::string::npos) << line;
  EXPECT_NE(line.find("user=\""), std::string::npos) << "the pseudonymized user: " << line;
  EXPECT_EQ(line.find("password"), std::string::npos) << "events and context stay out: " << line;
  EXPECT_NE(line.find(R"(logins\nforged line)"), std::string::npos) << "escaped: " << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << "one line: " << line;
  for (const char* secret : kSecrets) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in " << line;
  }
}

// The detect lanes prepare alerts (entity, sanitized body) before they are
// emitted in submission order: a prepared alert holds nothing raw any more
// and is stored and delivered exactly as the same alert emitted directly.
TEST_F(AlertRouterTest, APreparedAlertComesOutAsTheSameAlertUnprepared) {
  const Timestamp t0{1'700'000'000'000'000};
  Alert prepared = make_alert(t0);
  router_->prepare(prepared);
  EXPECT_TRUE(prepared.events.empty());
  EXPECT_TRUE(prepared.context.is_null());
  EXPECT_EQ(prepared.entity.host, "db01");
  router_->emit(std::move(prepared));
  router_->flush();
  // The same alert through a second router, unprepared.
  std::filesystem::create_directories(dir_ / "direct");
  auto store = AlertStore::open(dir_ / "direct");
  ASSERT_TRUE(store);
  AlertRouter direct(config_, sanitizer_, nullptr, std::move(*store));
  direct.emit(make_alert(t0));
  direct.flush();
  auto got = router_->store()->query({});
  auto want = direct.store()->query({});
  ASSERT_TRUE(got && want);
  ASSERT_EQ(got->size(), 1u);
  ASSERT_EQ(want->size(), 1u);
  EXPECT_EQ((*got)[0].body_json, (*want)[0].body_json);
  EXPECT_NE((*got)[0].body_json.find(R"("events":[{)"), std::string::npos)
      << "the sanitized event: " << (*got)[0].body_json;
  const auto lines = output_lines();
  ASSERT_EQ(lines.size(), 1u);
  for (const char* secret : kSecrets) {
    EXPECT_EQ(lines[0].find(secret), std::string::npos) << secret << " in " << lines[0];
  }
  EXPECT_NE(lines[0].find(R"("host":"db01")"), std::string::npos) << lines[0];
}

TEST_F(AlertRouterTest, RepeatsAreOneAlertWithACountAndReachOutputsOnce) {
  const Timestamp t0{1'700'000'000'000'000};
  for (int i = 0; i < 4; ++i) router_->emit(make_alert(Timestamp{t0.micros + i * 1'000'000}));
  router_->flush();
  EXPECT_EQ(output_lines().size(), 1u);
  auto stored = router_->store()->query({});
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].count, 4u);
  EXPECT_EQ((*stored)[0].first_seen, t0);
  EXPECT_EQ((*stored)[0].last_seen, Timestamp{t0.micros + 3'000'000});
  EXPECT_EQ(router_->alerts_raised(), 1u);
  EXPECT_EQ(metrics_.alerts_deduplicated.value(), 3u);
}

TEST_F(AlertRouterTest, ClosingAnAlertEndsItsGroupAndLowersActiveThreats) {
  const Timestamp t0{1'700'000'000'000'000};
  router_->emit(make_alert(t0));
  router_->flush();
  EXPECT_EQ(metrics_.active_threats.value(), 1);
  const std::string id = (*router_->store()->query({}))[0].id;
  ASSERT_TRUE(router_->set_status(id, AlertStatus::kClosed));
  EXPECT_EQ(metrics_.active_threats.value(), 0);
  router_->emit(make_alert(Timestamp{t0.micros + 1'000'000}));
  router_->flush();
  EXPECT_EQ(router_->store()->query({})->size(), 2u) << "a repeat after closing is a new alert";
  EXPECT_EQ(metrics_.active_threats.value(), 1);
}

// The store thread recounts active threats at most once a second, but it
// does recount: the gauge follows new alerts without anyone flushing.
TEST_F(AlertRouterTest, ActiveThreatsFollowStoredAlertsWithoutAFlush) {
  const Timestamp t0{1'700'000'000'000'000};
  router_->emit(make_alert(t0));
  router_->flush();
  ASSERT_EQ(metrics_.active_threats.value(), 1);
  auto second = make_alert(Timestamp{t0.micros + 1'000'000});
  second.rule_id = "another-rule";  // another group: a second alert, not a repeat
  router_->emit(second);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metrics_.active_threats.value() != 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(metrics_.active_threats.value(), 2);
}

}  // namespace
}  // namespace vigil
