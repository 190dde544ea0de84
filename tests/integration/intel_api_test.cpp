// Threat intelligence through the real daemon: a configured feed refreshed at
// start-up, an event whose IP it lists stored at severity high with
// threat_indicators and a threat_intel_match alert; the /api/v1/intel routes;
// and internal intelligence (the source IP of a high alert becomes an
// indicator of source `vigil` that then matches later events).
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "daemon_fixture.h"

namespace vigil::testing {
namespace {

constexpr const char* kListed = "185.220.101.77";
constexpr const char* kAttacker = "185.220.101.90";

nlohmann::json poll(const Daemon& d, const std::string& path,
                    const std::function<bool(const nlohmann::json&)>& done) {
  nlohmann::json j;
  for (int i = 0; i < 100; ++i) {
    j = d.get_json(path);
    if (done(j)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return j;
}

class IntelApi : public ::testing::Test {
 protected:
  void SetUp() override {
    feed_dir_ = make_temp_dir("intel-feed");
    std::ofstream(feed_dir_ / "blocklist.txt") << "# test blocklist\n"
                                               << kListed << "\n45.155.205.0/24\n";
    const auto rules = source_dir() / "tests" / "fixtures" / "rules";
    daemon_ = std::make_unique<Daemon>(
        "detect:\n  builtin_rules: false\n  rules: [" + rules.string() +
        "]\nintel:\n  feeds:\n    - name: blocklist\n      type: text\n      location: " +
        (feed_dir_ / "blocklist.txt").string() +
        "\n      severity: critical\n      tags: [c2]\n      schedule: 1h\n"
        "  internal:\n    lifetime: 2d\n    rules: []\n");
    ASSERT_TRUE(daemon_->started());
  }
  void TearDown() override {
    daemon_.reset();
    std::filesystem::remove_all(feed_dir_);
  }
  std::filesystem::path feed_dir_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(IntelApi, AListedIpRaisesTheEventAndAnAlert) {
  const Daemon& d = *daemon_;
  auto feeds = poll(d, "/api/v1/intel/feeds",
                    [](const auto& j) { return j["feeds"][0]["status"] != "pending"; });
  ASSERT_EQ(feeds["feeds"][0]["status"], "ok") << feeds.dump();
  EXPECT_EQ(feeds["feeds"][0]["indicators"], 2);
  EXPECT_EQ(feeds["feeds"][0]["records"], 2);
  EXPECT_FALSE(feeds["feeds"][0]["last_success"].get<std::string>().empty());

  auto [status, reply] = d.post_ndjson(
      std::string(
          R"({"timestamp":"2026-11-25T10:00:00Z","event_type":"connection","user_id":"alice","ip_address":")") +
      kListed + "\"}\n" +
      R"({"timestamp":"2026-11-25T10:00:01Z","event_type":"connection","user_id":"bob","ip_address":"45.155.205.9"})"
      "\n"
      R"({"timestamp":"2026-11-25T10:00:02Z","event_type":"connection","user_id":"carol","ip_address":"185.220.101.78"})"
      "\n");
  ASSERT_EQ(status, 200) << reply.dump();
  auto alerts = poll(d, "/api/v1/alerts?rule=threat_intel_match",
                     [](const auto& j) { return j["alerts"].size() >= 2; })["alerts"];
  ASSERT_EQ(alerts.size(), 2u) << alerts.dump();
  for (const auto& a : alerts) {
    EXPECT_EQ(a["severity"], "critical");  // the feed's severity, above the floor of high
    EXPECT_EQ(a["context"]["sources"], nlohmann::json::array({"blocklist"}));
    EXPECT_NE(std::find(a["tags"].begin(), a["tags"].end(), "c2"), a["tags"].end());
  }
  auto events = d.get_json("/api/v1/events?limit=10")["events"];
  ASSERT_EQ(events.size(), 3u);
  size_t raised = 0;
  for (const auto& e : events) {
    if (e.contains("threat_indicators")) {
      ++raised;
      EXPECT_EQ(e["vigil"]["severity"], "high");
      EXPECT_EQ(e["threat_indicators"][0]["sources"][0], "blocklist");
    } else {
      EXPECT_EQ(e["vigil"]["severity"], "info");
    }
  }
  EXPECT_EQ(raised, 2u);
  auto c = d.client();
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("vigil_intel_matches_total 2"), std::string::npos);
}

TEST_F(IntelApi, LookupManualIndicatorsAndDeletion) {
  const Daemon& d = *daemon_;
  poll(d, "/api/v1/intel/feeds", [](const auto& j) { return j["feeds"][0]["status"] == "ok"; });
  int code = 0;
  auto hit = d.get_json(std::string("/api/v1/intel/lookup?value=") + kListed, &code);
  EXPECT_EQ(code, 200);
  EXPECT_EQ(hit["match"], true);
  EXPECT_EQ(hit["sources"], nlohmann::json::array({"blocklist"}));
  EXPECT_EQ(hit["severity"], "critical");
  EXPECT_EQ(d.get_json("/api/v1/intel/lookup?value=45.155.205.200")["indicators"][0]["value"],
            "45.155.205.0/24");
  EXPECT_EQ(d.get_json("/api/v1/intel/lookup?value=9.9.9.9")["match"], false);
  d.get_json("/api/v1/intel/lookup?value=9.9.9.9&type=colour", &code);
  EXPECT_EQ(code, 400);
  d.get_json("/api/v1/intel/lookup", &code);
  EXPECT_EQ(code, 400);

  auto c = d.client();
  auto added = c.Post(
      "/api/v1/intel/indicators",
      R"({"value":"Evil.Example","severity":"high","tags":["analyst"],"include_subdomains":true})",
      "application/json");
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 201) << added->body;
  const auto ind = nlohmann::json::parse(added->body);
  EXPECT_EQ(ind["source"], "manual");
  EXPECT_EQ(ind["type"], "domain");
  auto sub = d.get_json("/api/v1/intel/lookup?value=cdn.evil.example");
  EXPECT_EQ(sub["match"], true);
  EXPECT_EQ(sub["sources"], nlohmann::json::array({"manual"}));

  for (const char* bad :
       {R"({"value":"x.example","colour":"red"})", R"({"value":"x.example","severity":"urgent"})",
        R"({"value":"not a value at all"})", R"([1,2])", "{"}) {
    auto r = c.Post("/api/v1/intel/indicators", bad, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad << " -> " << r->body;
  }
  // Listed, but private: the default allowlist suppresses it.
  auto priv = c.Post("/api/v1/intel/indicators", R"({"value":"10.0.0.5"})", "application/json");
  ASSERT_TRUE(priv && priv->status == 201);
  auto allowed = d.get_json("/api/v1/intel/lookup?value=10.0.0.5");
  EXPECT_EQ(allowed["match"], false);
  EXPECT_EQ(allowed["allowlisted"], true);

  const std::string id = ind["id"];
  auto del = c.Delete("/api/v1/intel/indicators/" + id);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(d.get_json("/api/v1/intel/lookup?value=cdn.evil.example")["match"], false);
  del = c.Delete("/api/v1/intel/indicators/" + id);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 404);
  auto sources = d.get_json("/api/v1/intel/feeds")["sources"];
  EXPECT_EQ(sources.size(), 2u) << sources.dump();  // blocklist and manual (10.0.0.5)
}

TEST_F(IntelApi, HighAlertsFeedInternalIntelligence) {
  const Daemon& d = *daemon_;
  auto [status, reply] = d.post_ndjson(
      std::string(
          R"({"timestamp":"2026-11-25T10:01:00Z","event_type":"permission_change","user_id":"mallory","ip_address":")") +
      kAttacker +
      R"(","new_permissions":["admin"]})"
      "\n");
  ASSERT_EQ(status, 200) << reply.dump();
  auto alerts = poll(d, "/api/v1/alerts?rule=admin_granted_fixture",
                     [](const auto& j) { return j["alerts"].size() == 1; })["alerts"];
  ASSERT_EQ(alerts.size(), 1u);
  auto hit = poll(d, std::string("/api/v1/intel/lookup?value=") + kAttacker,
                  [](const auto& j) { return j["match"] == true; });
  ASSERT_EQ(hit["match"], true) << hit.dump();
  EXPECT_EQ(hit["sources"], nlohmann::json::array({"vigil"}));
  EXPECT_EQ(hit["indicators"][0]["reference"], "alert:" + alerts[0]["id"].get<std::string>());
  EXPECT_NE(std::find(hit["tags"].begin(), hit["tags"].end(), "admin_granted_fixture"),
            hit["tags"].end());

  // The attacker's next event matches the internal indicator.
  d.post_ndjson(
      std::string(
          R"({"timestamp":"2026-11-25T10:02:00Z","event_type":"login","user_id":"mallory","ip_address":")") +
      kAttacker + "\"}\n");
  auto intel = poll(d, "/api/v1/alerts?rule=threat_intel_match",
                    [](const auto& j) { return j["alerts"].size() == 1; })["alerts"];
  ASSERT_EQ(intel.size(), 1u);
  EXPECT_EQ(intel[0]["context"]["sources"], nlohmann::json::array({"vigil"}));
}

}  // namespace
}  // namespace vigil::testing
