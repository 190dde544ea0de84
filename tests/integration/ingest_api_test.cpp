// Events in over HTTP, read back, health and metrics, against the real daemon.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <fstream>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

TEST(IngestApi, NdjsonWithABadLineKeepsTheGoodOnes) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  const std::string body =
      R"({"timestamp":"2024-03-01T10:00:00Z","event_type":"authentication_failure","user_id":"alice","ip_address":"203.0.113.7"})"
      "\n{not json\n"
      R"({"timestamp":"2024-03-01T10:00:01Z","event_type":"authentication_success","user_id":"bob"})"
      "\n";
  auto [status, reply] = d.post_ndjson(body);
  ASSERT_EQ(status, 200) << reply.dump();
  EXPECT_EQ(reply["accepted"], 2);
  EXPECT_EQ(reply["rejected"], 1);
  ASSERT_EQ(reply["errors"].size(), 1u);
  EXPECT_EQ(reply["errors"][0]["line"], 2);
  EXPECT_FALSE(reply["errors"][0]["error"].get<std::string>().empty());

  auto page = d.get_json("/api/v1/events?limit=10");
  ASSERT_EQ(page["events"].size(), 2u) << page.dump();
  // Newest first, canonical fields added, originals kept.
  EXPECT_EQ(page["events"][0]["event_type"], "authentication_success");
  EXPECT_EQ(page["events"][1]["event"]["action"], "authentication_failure");
  EXPECT_EQ(page["events"][1]["user_id"], "alice");
  EXPECT_EQ(page["events"][1]["@timestamp"], "2024-03-01T10:00:00.000000Z");
}

// vigil's facts about an event are row columns in the store; the API hands them out as
// the document's "vigil" member, and a sender cannot forge them.
TEST(IngestApi, VigilsFactsComeBackAndASendersAreReplaced) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  const std::string body =
      R"({"timestamp":"2024-03-01T10:00:00Z","event_type":"x","severity":"high",)"
      R"("vigil":{"severity":"low","time_source":"forged","note":"sender's"}})"
      "\n"
      R"({"event_type":"y"})"
      "\n";
  auto [status, reply] = d.post_ndjson(body);
  ASSERT_EQ(status, 200) << reply.dump();
  ASSERT_EQ(reply["accepted"], 2);
  auto page = d.get_json("/api/v1/events?limit=10");
  ASSERT_EQ(page["events"].size(), 2u) << page.dump();
  for (const auto& e : page["events"]) {
    const auto& facts = e["vigil"];
    ASSERT_TRUE(facts.is_object()) << e.dump();
    EXPECT_EQ(facts.size(), 3u) << e.dump();  // severity, time_source, received: nothing else
    const std::string received = facts["received"].get<std::string>();
    EXPECT_TRUE(received.size() == 27 && received.ends_with("Z")) << received;
    if (e["event_type"] == "x") {
      EXPECT_EQ(facts["severity"], "high");
      EXPECT_EQ(facts["time_source"], "event");
    } else {
      EXPECT_EQ(facts["severity"], "info");
      EXPECT_EQ(facts["time_source"], "received");
    }
  }
  // The documents at rest do not hold them.
  sqlite3* db = nullptr;
  const auto file = d.data_dir() / "security-events-2024.03.01.db";
  ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT doc FROM events", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const std::string doc = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  EXPECT_EQ(doc.find("vigil"), std::string::npos) << doc;
  EXPECT_EQ(doc.find("sender's"), std::string::npos) << doc;
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(IngestApi, JsonArrayAndSingleObjectBodies) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  auto res =
      c.Post("/api/v1/events", R"([{"event_type":"a"},{"event_type":"b"},7])", "application/json");
  ASSERT_TRUE(res);
  auto reply = nlohmann::json::parse(res->body);
  EXPECT_EQ(reply["accepted"], 2);
  EXPECT_EQ(reply["rejected"], 1);
  res = c.Post("/api/v1/events", "{\n  \"event_type\": \"c\"\n}\n", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["accepted"], 1);
  EXPECT_EQ(d.get_json("/api/v1/events")["events"].size(), 3u);
}

TEST(IngestApi, EveryLineBadIs400) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto [status, reply] = d.post_ndjson("[1]\n\"str\"\n");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(reply["accepted"], 0);
  EXPECT_EQ(reply["rejected"], 2);
}

TEST(IngestApi, FiltersAndCursorPagination) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  std::string body;
  for (int i = 0; i < 25; ++i) {
    char line[256];
    std::snprintf(line, sizeof(line),
                  R"({"timestamp":"2024-03-0%dT10:00:%02dZ","event_type":"%s","user_id":"%s"})"
                  "\n",
                  1 + i % 3, i, i % 2 ? "login" : "logout", i % 5 ? "alice" : "bob");
    body += line;
  }
  ASSERT_EQ(d.post_ndjson(body).first, 200);
  EXPECT_EQ(d.get_json("/api/v1/events?event_type=login&limit=100")["events"].size(), 12u);
  EXPECT_EQ(d.get_json("/api/v1/events?user=bob&limit=100")["events"].size(), 5u);
  EXPECT_EQ(
      d.get_json(
           "/api/v1/events?from=2024-03-02T00:00:00Z&to=2024-03-02T23:59:59Z&limit=100")["events"]
          .size(),
      8u);
  // Walk all pages of 4: every event exactly once, newest first, across day files.
  std::set<std::string> seen;
  std::string cursor, last_time = "9999";
  for (int guard = 0; guard < 20; ++guard) {
    auto page = d.get_json("/api/v1/events?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& e : page["events"]) {
      const std::string t = e["@timestamp"];
      EXPECT_LE(t, last_time);
      last_time = t;
      EXPECT_TRUE(seen.insert(t).second) << "duplicate " << t;
    }
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"];
  }
  EXPECT_EQ(seen.size(), 25u);
  int status = 0;
  d.get_json("/api/v1/events?cursor=garbage", &status);
  EXPECT_EQ(status, 400);
}

TEST(IngestApi, HealthReadinessAndMetricsThatPromtoolAccepts) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  ASSERT_EQ(d.post_ndjson("{\"event_type\":\"authentication_failure\"}\n{bad\n").first, 200);
  int status = 0;
  EXPECT_EQ(d.get_json("/healthz", &status)["status"], "ok");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(d.get_json("/readyz", &status)["ready"], true);
  EXPECT_EQ(status, 200);
  auto res = d.client().Get("/metrics");
  ASSERT_TRUE(res);
  const std::string text = res->body;
  EXPECT_NE(text.find("security_events_processed_total{event_type=\"authentication_failure\","
                      "severity=\"info\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("vigil_ingest_events_rejected_total{reason=\"parse_error\"} 1"),
            std::string::npos)
      << text;
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    if (test_data_required()) FAIL() << "promtool missing";
    GTEST_SKIP() << "promtool not installed";
  }
  const auto file = d.dir() / "metrics.txt";
  std::ofstream(file) << text;
  std::string out;
  const int rc =
      run_capture({"/bin/sh", "-c", "promtool check metrics < " + file.string() + " 2>&1"}, out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << out;
}

TEST(IngestApi, BearerTokensGuardTheApi) {
  Daemon d("server:\n  auth_tokens: [s3cret-token]\n");
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  auto res = c.Post("/api/v1/events", "{\"event_type\":\"x\"}\n", "application/x-ndjson");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate").rfind("Bearer", 0), 0u);
  EXPECT_EQ(d.post_ndjson("{\"event_type\":\"x\"}\n", "wrong-token").first, 401);
  EXPECT_EQ(d.post_ndjson("{\"event_type\":\"y\"}\n", "s3cret-token").first, 200);
  httplib::Headers auth = {{"Authorization", "Bearer s3cret-token"}};
  auto page = c.Get("/api/v1/events", auth);
  ASSERT_TRUE(page);
  auto events = nlohmann::json::parse(page->body)["events"];
  ASSERT_EQ(events.size(), 1u);  // the unauthorized posts stored nothing
  EXPECT_EQ(events[0]["event_type"], "y");
}

}  // namespace
}  // namespace vigil::testing
