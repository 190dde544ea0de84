// Behavioural baselines through the real daemon: GeoIP-enriched logins teach
// a user's baseline, a login from a new country raises an explained,
// sanitized unusual_location alert, GET /api/v1/entities/user/{id} shows the
// baseline (pseudonymized), and a restarted daemon still has it.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "daemon_fixture.h"

namespace vigil::testing {
namespace {

std::string login(const std::string& ip, int day, int hour) {
  return R"({"timestamp":"2026-11-)" + std::to_string(10 + day) + "T" + (hour < 10 ? "0" : "") +
         std::to_string(hour) +
         R"(:00:00Z","event_type":"login","user_id":"alice@example.com","ip_address":")" + ip +
         R"(","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"})"
         "\n";
}

struct Running {
  std::unique_ptr<VigilProcess> process;
  int port = 0;
  nlohmann::json get(const std::string& path, int* status = nullptr) const {
    httplib::Client c("127.0.0.1", port);
    auto res = c.Get(path);
    if (status) *status = res ? res->status : 0;
    return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
  }
};

Running start(const std::filesystem::path& dir) {
  Running r;
  r.process = std::make_unique<VigilProcess>(
      std::vector<std::string>{"run", "--listen", "127.0.0.1:0", "--data-dir",
                               (dir / "data").string(), "--config", (dir / "vigil.yaml").string()},
      dir);
  r.port = r.process->wait_for_port();
  return r;
}

// Polls until `done` holds for the entity view (events are analysed by
// background workers).
nlohmann::json wait_for_entity(const Running& r, const std::string& id, size_t events) {
  nlohmann::json view;
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    view = r.get("/api/v1/entities/user/" + id, &status);
    if (status == 200 && view.value("events", 0u) == events) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return view;
}

TEST(EntitiesApi, BaselineAlertsAndSurvivesRestart) {
  VIGIL_REQUIRE_DATA(mmdb, "geoip/test-data/GeoIP2-City-Test.mmdb");
  const auto dir = make_temp_dir("vigil-ueba");
  std::ofstream(dir / "vigil.yaml")
      << "enrich:\n  geoip: " << mmdb.string()
      << "\nsanitize:\n  pseudonymize_key: integration-test-key-0123456789\n"
         "detect:\n  builtin_rules: false\n"
         "alerts:\n  dedupe_window_s: 0\n"
         "behavior:\n  min_events: 10\n  min_days: 2\n";
  {
    Running r = start(dir);
    ASSERT_GT(r.port, 0) << r.process->log();
    // 24 logins from London over four days at 09-15 UTC, then one from
    // Changchun (CN) a day later at the usual hour: only the country is new
    // (7,900 km in 24 hours is a flight, not impossible travel).
    std::string body;
    for (int day = 0; day < 4; ++day) {
      for (int hour = 9; hour < 15; ++hour) body += login("81.2.69.142", day, hour);
    }
    httplib::Client c("127.0.0.1", r.port);
    auto res = c.Post("/api/v1/events", body, "application/x-ndjson");
    ASSERT_TRUE(res && res->status == 200);
    ASSERT_EQ(wait_for_entity(r, "alice@example.com", 24).value("events", 0u), 24u);
    res = c.Post("/api/v1/events", login("175.16.199.5", 4, 10), "application/x-ndjson");
    ASSERT_TRUE(res && res->status == 200);

    const nlohmann::json view = wait_for_entity(r, "alice@example.com", 25);
    ASSERT_EQ(view.value("events", 0u), 25u) << view.dump();
    const std::string text = view.dump();
    EXPECT_EQ(text.find("alice"), std::string::npos) << text;
    EXPECT_EQ(text.find("81.2.69.142"), std::string::npos) << text;
    EXPECT_EQ(view["entity"].get<std::string>().rfind("pseud_", 0), 0u);
    EXPECT_EQ(view["countries"][0]["value"], "GB");
    EXPECT_EQ(view["countries"][1]["value"], "CN");
    EXPECT_EQ(view["devices"][0]["value"], "Firefox/Windows");
    ASSERT_EQ(view["recent_anomalies"].size(), 1u) << text;
    EXPECT_EQ(view["recent_anomalies"][0]["type"], "unusual_location");
    EXPECT_EQ(view["recent_anomalies"][0]["alerted"], true);
    // The pseudonym finds the same entity.
    EXPECT_EQ(r.get("/api/v1/entities/user/" + view["entity"].get<std::string>())["events"], 25);
    int status = 0;
    r.get("/api/v1/entities/user/nobody", &status);
    EXPECT_EQ(status, 404);
    r.get("/api/v1/entities/host/alice", &status);
    EXPECT_EQ(status, 404);

    nlohmann::json alerts;
    for (int i = 0; i < 100 && alerts.empty(); ++i) {
      alerts = r.get("/api/v1/alerts")["alerts"];
      if (alerts.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(alerts.size(), 1u) << alerts.dump();
    EXPECT_EQ(alerts[0]["rule_name"], "unusual_location");
    EXPECT_EQ(alerts[0]["severity"], "medium");
    const std::string description = alerts[0]["description"];
    EXPECT_NE(description.find("first country CN"), std::string::npos) << description;
    EXPECT_NE(description.find("usual: GB"), std::string::npos) << description;
    EXPECT_EQ(alerts.dump().find("alice"), std::string::npos) << alerts.dump();

    httplib::Client m("127.0.0.1", r.port);
    auto metrics = m.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find(
                  "security_anomalies_detected_total{anomaly_type=\"unusual_location\"} 1"),
              std::string::npos);
    r.process->terminate();
    EXPECT_EQ(r.process->wait_exit(), 0);
  }
  // A new process on the same data dir answers from behavior.db.
  Running again = start(dir);
  ASSERT_GT(again.port, 0) << again.process->log();
  int status = 0;
  const nlohmann::json view = again.get("/api/v1/entities/user/alice@example.com", &status);
  ASSERT_EQ(status, 200) << again.process->log();
  EXPECT_EQ(view.value("events", 0u), 25u) << view.dump();
  EXPECT_EQ(view["recent_anomalies"][0]["type"], "unusual_location");
  again.process.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::testing
