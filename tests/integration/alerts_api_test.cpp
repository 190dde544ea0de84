// The alert path end to end: a Sigma rule in the daemon's config fires on
// ingested events, repeats fold into one alert, the API lists, shows and
// moves alerts through their workflow, and nothing sensitive is in them.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <thread>

#include "daemon_fixture.h"

namespace vigil::testing {
namespace {

std::string grant(const std::string& user, int minute) {
  return R"({"timestamp":"2026-11-25T10:)" + std::string(minute < 10 ? "0" : "") +
         std::to_string(minute) + R"(:00Z","event_type":"permission_change","user_id":")" + user +
         R"(","ip_address":"203.0.113.9","new_permissions":["read","admin"],"password":"hunter2"})"
         "\n";
}

std::string config_with_rules() {
  const auto rules = source_dir() / "tests" / "fixtures" / "rules";
  // Only the fixture rules: the built-in pack would also fire on admin grants.
  return "detect:\n  builtin_rules: false\n  rules: [" + rules.string() +
         "]\nalerts:\n  dedupe_window_s: 600\n";
}

TEST(AlertsApi, RuleMatchesBecomeDeduplicatedSanitizedAlertsWithAWorkflow) {
  Daemon d(config_with_rules());
  ASSERT_TRUE(d.started());
  auto [status, reply] =
      d.post_ndjson(grant("alice@example.com", 1) + grant("alice@example.com", 2) +
                    grant("alice@example.com", 3) + grant("bob", 4) +
                    R"({"event_type":"login","user_id":"carol"})"
                    "\n");
  ASSERT_EQ(status, 200) << reply.dump();
  ASSERT_EQ(reply["accepted"], 5);

  // Alerts are written by a background thread: poll until both are there.
  nlohmann::json alerts;
  for (int i = 0; i < 100; ++i) {
    alerts = d.get_json("/api/v1/alerts")["alerts"];
    if (alerts.size() == 2 && (alerts[0]["count"] == 3 || alerts[1]["count"] == 3)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(alerts.size(), 2u) << alerts.dump();
  const auto& alice = alerts[0]["count"] == 3 ? alerts[0] : alerts[1];
  EXPECT_EQ(alice["rule_name"], "admin_granted_fixture");
  EXPECT_EQ(alice["rule_id"], "6f1c2a52-0d55-4c43-9d1a-3c3f0a2b9e10");
  EXPECT_EQ(alice["rule_title"], "Admin rights granted");
  EXPECT_EQ(alice["severity"], "high");
  EXPECT_EQ(alice["author"], "vigil tests");
  EXPECT_EQ(alice["status"], "open");
  EXPECT_EQ(alice["first_seen"], "2026-11-25T10:01:00.000000Z");
  EXPECT_EQ(alice["last_seen"], "2026-11-25T10:03:00.000000Z");
  EXPECT_EQ(alice["tags"][1], "attack.t1098");
  EXPECT_FALSE(alice["entity"]["user"].get<std::string>().empty());
  const std::string text = alerts.dump();
  for (const char* secret : {"alice@example.com", "hunter2", "203.0.113.9"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  }

  int code = 0;
  auto high = d.get_json("/api/v1/alerts?severity=high&rule=admin_granted_fixture", &code);
  EXPECT_EQ(code, 200);
  EXPECT_EQ(high["alerts"].size(), 2u);
  EXPECT_EQ(d.get_json("/api/v1/alerts?severity=low")["alerts"].size(), 0u);
  d.get_json("/api/v1/alerts?severity=urgent", &code);
  EXPECT_EQ(code, 400);

  const std::string id = alice["id"];
  auto one = d.get_json("/api/v1/alerts/" + id, &code);
  EXPECT_EQ(code, 200);
  EXPECT_EQ(one["id"], id);
  d.get_json("/api/v1/alerts/0123456789abcdef0123456789abcdef", &code);
  EXPECT_EQ(code, 404);

  auto c = d.client();
  auto ack = c.Post("/api/v1/alerts/" + id, R"({"status":"acknowledged"})", "application/json");
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, 200) << ack->body;
  EXPECT_EQ(nlohmann::json::parse(ack->body)["status"], "acknowledged");
  auto back = c.Post("/api/v1/alerts/" + id, R"({"status":"open"})", "application/json");
  EXPECT_EQ(back->status, 409) << back->body;
  auto junk = c.Post("/api/v1/alerts/" + id, R"({"state":"closed"})", "application/json");
  EXPECT_EQ(junk->status, 400);
  EXPECT_EQ(d.get_json("/api/v1/alerts?status=acknowledged")["alerts"].size(), 1u);

  // One alert (bob's) is still open and high: the seed's gauge says so.
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nactive_security_threats 1\n"), std::string::npos);
}

TEST(AlertsApi, ABrokenRuleIsReportedWithFileAndLineAndTheRestStillRun) {
  Daemon d(config_with_rules());
  ASSERT_TRUE(d.started());
  const std::string log = d.process().log();
  EXPECT_NE(log.find("broken.yml:"), std::string::npos) << log;
  EXPECT_NE(log.find("sparkles"), std::string::npos) << log;
}

TEST(AlertsApi, ReplayWritesItsAlertsAsJsonLines) {
  const auto dir = make_temp_dir("vigil-replay-alerts");
  {
    std::ofstream events(dir / "events.ndjson");
    events << grant("alice", 1) << grant("bob", 2);
    std::ofstream config(dir / "vigil.yaml");
    config << config_with_rules();
  }
  // Twice into the same file: a back-test's file holds that run's alerts only.
  for (int run = 0; run < 2; ++run) {
    std::string out;
    const int rc =
        run_capture({vigil_binary().string(), "replay", "--no-store", "--config",
                     (dir / "vigil.yaml").string(), "--data-dir", (dir / "data").string(),
                     "--alerts", (dir / "alerts.jsonl").string(), (dir / "events.ndjson").string()},
                    out);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_EQ(nlohmann::json::parse(out)["alerts"], 2);
    std::ifstream in(dir / "alerts.jsonl");
    std::vector<nlohmann::json> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));
    ASSERT_EQ(lines.size(), 2u) << "run " << run;
    EXPECT_EQ(lines[0]["rule_name"], "admin_granted_fixture");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

// The built-in pack on the seed's own schema, each event written from the
// seed's checks and the issue's examples: what must fire and what must not.
TEST(BuiltinRules, SeedDetectionsFireOnAttacksAndNotOnLookAlikes) {
  const std::vector<std::pair<std::string, const char*>> events = {
      {"privilege_escalation",
       R"({"event_type":"permission_change","user_id":"u1","new_permissions":["read","admin"]})"},
      {"privilege_escalation",
       R"({"event_type":"permission_change","user_id":"u2","new_permissions":"admin"})"},
      {"", R"({"event_type":"permission_change","user_id":"u3","new_permissions":["read"]})"},
      {"", R"({"event_type":"login","user_id":"u4","new_permissions":["admin"]})"},
      {"large_data_access", R"({"event_type":"data_access","data_volume_bytes":104857601})"},
      {"large_data_access", R"({"event_type":"data_access","data_volume_bytes":500000000})"},
      {"", R"({"event_type":"data_access","data_volume_bytes":104857600})"},
      {"", R"({"event_type":"data_access","data_volume_bytes":1000})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT name FROM users WHERE id=1 UNION SELECT password FROM admins"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT * FROM t WHERE id=1 UNION/**/ALL/**/SELECT 1,2"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT * FROM t WHERE id=1 union\n\tselect null"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT * FROM users WHERE name='' OR 1=1 --'"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT * FROM users WHERE name='x' or 'a'='a'"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT * FROM t WHERE id=5 or 1=1"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT 1; DROP TABLE users"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"SELECT 1; exec master..xp_cmdshell 'dir'"})"},
      {"sql_injection_attempt",
       R"({"event_type":"database_query","query":"EXEC xp_cmdshell 'whoami'"})"},
      {"", R"({"event_type":"database_query","query":"SELECT union_selection FROM votes"})"},
      {"",
       R"({"event_type":"database_query","query":"SELECT * FROM events WHERE title = 'family reunion'"})"},
      {"",
       R"({"event_type":"database_query","query":"SELECT * FROM users WHERE name='bob' OR name='alice'"})"},
      {"",
       R"({"event_type":"database_query","query":"UPDATE accounts SET executed=1 WHERE id=4"})"},
      {"",
       R"({"event_type":"database_query","query":"SELECT * FROM t WHERE note = 'drop by later'"})"},
  };
  std::map<std::string, int> expected;
  for (const auto& [rule, json] : events) {
    if (!rule.empty()) ++expected[rule];
  }
  const auto dir = make_temp_dir("vigil-builtin-rules");
  {
    std::ofstream out(dir / "events.ndjson");
    for (const auto& [rule, json] : events) out << json << "\n";
    std::ofstream config(dir / "vigil.yaml");
    config << "alerts:\n  dedupe_window_s: 0\n  outputs: []\n";
  }
  std::map<std::string, int> fired;
  for (const auto& a : replay_alerts(dir)) ++fired[a["rule_name"]];
  EXPECT_EQ(fired, expected);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

// Hot reload: a new rule starts firing after POST /api/v1/rules/reload or
// SIGHUP; a rule set with a broken rule is refused and the old rules keep
// running.
TEST(RulesReload, NewRulesSwapInAndABrokenSetKeepsTheRunningOne) {
  const auto rules = make_temp_dir("vigil-reload-rules");
  Daemon d("detect:\n  builtin_rules: false\n  rules: [" + rules.string() +
           "]\nalerts:\n  dedupe_window_s: 0\n");
  ASSERT_TRUE(d.started());
  auto alert_count = [&](size_t want) {
    nlohmann::json alerts;
    for (int i = 0; i < 100; ++i) {
      alerts = d.get_json("/api/v1/alerts")["alerts"];
      if (alerts.size() >= want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return alerts.size();
  };
  ASSERT_EQ(d.post_ndjson(grant("alice", 1)).first, 200);
  const auto fixtures = source_dir() / "tests" / "fixtures" / "rules";
  std::filesystem::copy_file(fixtures / "admin_granted.yml", rules / "admin_granted.yml");
  auto c = d.client();
  auto reloaded = c.Post("/api/v1/rules/reload", "", "application/json");
  ASSERT_TRUE(reloaded);
  ASSERT_EQ(reloaded->status, 200) << reloaded->body;
  EXPECT_EQ(nlohmann::json::parse(reloaded->body)["rules"], 1);
  ASSERT_EQ(d.post_ndjson(grant("bob", 2)).first, 200);
  EXPECT_EQ(alert_count(1), 1u) << "only the event after the reload fires";

  std::filesystem::copy_file(fixtures / "broken.yml", rules / "broken.yml");
  auto refused = c.Post("/api/v1/rules/reload", "", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 422);
  EXPECT_NE(refused->body.find("broken.yml"), std::string::npos) << refused->body;
  ASSERT_EQ(d.post_ndjson(grant("carol", 3)).first, 200);
  EXPECT_EQ(alert_count(2), 2u) << "the running rules stayed";

  std::filesystem::remove(rules / "broken.yml");
  ASSERT_EQ(kill(d.process().pid(), SIGHUP), 0);
  for (int i = 0; i < 100 && d.process().log().find("rules reloaded") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(d.process().log().find("rules reloaded: 1 rules"), std::string::npos);
  std::filesystem::remove_all(rules);
}

}  // namespace
}  // namespace vigil::testing
