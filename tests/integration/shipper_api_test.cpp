// The shipper endpoints over real HTTP against the daemon: Elastic `_bulk` as
// Filebeat and Logstash send it, and Splunk HEC, each answered in the shape
// the shipper parses (Elasticsearch bulk reply; HEC {"text","code"}).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "integration/daemon_fixture.h"

namespace vigil::testing {
namespace {

nlohmann::json parse_reply(const httplib::Result& res) {
  return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
}

// The stored events, oldest first.
std::vector<nlohmann::json> stored_events(const Daemon& d) {
  auto page = d.get_json("/api/v1/events?limit=1000");
  std::vector<nlohmann::json> out;
  if (!page.is_object() || !page["events"].is_array()) return out;
  for (auto it = page["events"].rbegin(); it != page["events"].rend(); ++it) out.push_back(*it);
  return out;
}

std::set<std::string> messages_of(const std::vector<nlohmann::json>& events) {
  std::set<std::string> out;
  for (const auto& e : events) {
    if (e.contains("message") && e["message"].is_string()) out.insert(e["message"]);
  }
  return out;
}

// What Filebeat 8 sends (create actions naming a data stream) followed by
// what Logstash sends (index actions), with a document that is not JSON in
// the middle.
const char* const kMixedBulk =
    R"({"create":{"_index":"filebeat-8.11.0"}})"
    "\n"
    R"({"@timestamp":"2024-03-01T10:00:00.000Z","message":"Failed password for invalid user admin port 22 ssh2","host":{"name":"web-01"},"log":{"file":{"path":"/var/log/auth.log"}}})"
    "\n"
    R"({"create":{"_index":"filebeat-8.11.0"}})"
    "\n"
    R"({"@timestamp":"2024-03-01T10:00:01.000Z","message":"truncated doc")"
    "\n"
    R"({"index":{"_index":"logstash-2024.03.01"}})"
    "\n"
    R"({"@timestamp":"2024-03-01T10:00:02.000Z","message":"GET /admin 404","@version":"1"})"
    "\n"
    R"({"index":{}})"
    "\n"
    R"({"@timestamp":"2024-03-01T10:00:03.000Z","message":"no index in the action"})"
    "\n";

TEST(ElasticBulk, FilebeatAndLogstashBodyWithAMalformedDocKeepsTheGoodOnes) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  auto res = c.Post("/_bulk", kMixedBulk, "application/x-ndjson");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("X-elastic-product"), "Elasticsearch");
  const auto reply = parse_reply(res);
  ASSERT_TRUE(reply.is_object()) << res->body;
  ASSERT_TRUE(reply["took"].is_number_integer()) << res->body;
  EXPECT_GE(reply["took"].get<int64_t>(), 0);
  EXPECT_EQ(reply["errors"], true);
  ASSERT_EQ(reply["items"].size(), 4u) << res->body;
  // In Elasticsearch's order: Beats read the reply as a stream.
  EXPECT_LT(res->body.find("\"took\""), res->body.find("\"errors\""));
  EXPECT_LT(res->body.find("\"errors\""), res->body.find("\"items\""));

  // Items come back in request order, keyed by their action.
  const auto& created = reply["items"][0]["create"];
  EXPECT_EQ(created["status"], 201);
  EXPECT_EQ(created["result"], "created");
  EXPECT_EQ(created["_index"], "filebeat-8.11.0");
  EXPECT_TRUE(created["_id"].is_string());
  EXPECT_FALSE(created.contains("error"));

  const auto& bad = reply["items"][1]["create"];
  EXPECT_EQ(bad["status"], 400);
  ASSERT_TRUE(bad["error"].is_object()) << res->body;
  EXPECT_TRUE(bad["error"]["type"].is_string());
  EXPECT_FALSE(bad["error"]["reason"].get<std::string>().empty());

  EXPECT_EQ(reply["items"][2]["index"]["status"], 201);
  EXPECT_EQ(reply["items"][2]["index"]["_index"], "logstash-2024.03.01");
  EXPECT_EQ(reply["items"][3]["index"]["status"], 201);
  EXPECT_NE(reply["items"][0]["create"]["_id"], reply["items"][2]["index"]["_id"]);

  // The three good documents are stored with their own fields and times.
  EXPECT_EQ(count_stored_events(d.data_dir()), 3u);
  const auto events = stored_events(d);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(messages_of(events),
            (std::set<std::string>{"Failed password for invalid user admin port 22 ssh2",
                                   "GET /admin 404", "no index in the action"}));
  EXPECT_EQ(events[0]["@timestamp"], "2024-03-01T10:00:00.000000Z");
  EXPECT_EQ(events[0]["host"]["name"], "web-01");
}

TEST(ElasticBulk, IndexInThePathAndActionsVigilDoesNotTake) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  const std::string body =
      R"({"index":{}})"
      "\n"
      R"({"message":"one"})"
      "\n"
      R"({"update":{"_id":"1"}})"
      "\n"
      R"({"doc":{"message":"partial"}})"
      "\n"
      R"({"delete":{"_id":"2"}})"
      "\n"
      R"({"create":{"_index":"other"}})"
      "\n"
      R"({"message":"two"})";  // Elasticsearch wants a final newline; shippers may not send it
  auto res = c.Post("/auth-logs/_bulk", body, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto reply = parse_reply(res);
  ASSERT_EQ(reply["items"].size(), 4u) << res->body;
  EXPECT_EQ(reply["errors"], true);
  EXPECT_EQ(reply["items"][0]["index"]["_index"], "auth-logs");
  EXPECT_EQ(reply["items"][0]["index"]["status"], 201);
  EXPECT_EQ(reply["items"][1]["update"]["status"], 400);
  EXPECT_TRUE(reply["items"][1]["update"]["error"].is_object());
  EXPECT_EQ(reply["items"][2]["delete"]["status"], 400);
  EXPECT_EQ(reply["items"][3]["create"]["_index"], "other");
  EXPECT_EQ(reply["items"][3]["create"]["status"], 201);
  // The update's partial document was skipped, not stored as an event.
  EXPECT_EQ(messages_of(stored_events(d)), (std::set<std::string>{"one", "two"}));
}

TEST(ElasticBulk, MalformedActionLineFailsTheWholeRequest) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  for (const std::string& body : {
           std::string(R"({"index":{}})"
                       "\n"
                       R"({"message":"kept?"})"
                       "\n"
                       "not an action\n"
                       R"({"message":"x"})"
                       "\n"),
           std::string(R"({"upsert":{}})"
                       "\n"
                       R"({"message":"x"})"
                       "\n"),
       }) {
    auto res = c.Post("/_bulk", body, "application/x-ndjson");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << res->body;
    const auto reply = parse_reply(res);
    EXPECT_EQ(reply["status"], 400) << res->body;
    EXPECT_EQ(reply["error"]["type"], "illegal_argument_exception");
    EXPECT_NE(reply["error"]["reason"].get<std::string>().find("Malformed action/metadata line"),
              std::string::npos);
  }
  // The line number of the bad action is named.
  auto res = c.Post("/_bulk", "{\"index\":{}}\n{}\n\nnope\n", "application/x-ndjson");
  ASSERT_TRUE(res);
  EXPECT_NE(parse_reply(res)["error"]["reason"].get<std::string>().find("[4]"), std::string::npos)
      << res->body;
  EXPECT_EQ(count_stored_events(d.data_dir()), 0u);

  res = c.Post("/_bulk", "\n", "application/x-ndjson");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST(ElasticBulk, GzipBodyAsBeatsCompressIt) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  c.set_compress(true);  // Content-Encoding: gzip, as Beats' compression_level > 0
  std::string body;
  for (int i = 0; i < 50; ++i) {
    body += R"({"create":{"_index":"filebeat"}})"
            "\n";
    body += R"({"message":"line )" + std::to_string(i) + "\"}\n";
  }
  auto res = c.Post("/_bulk", body, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto reply = parse_reply(res);
  EXPECT_EQ(reply["errors"], false);
  EXPECT_EQ(reply["items"].size(), 50u);
  EXPECT_EQ(count_stored_events(d.data_dir()), 50u);
}

TEST(ElasticBulk, BannerAndAuthInTheShapeBeatsRead) {
  Daemon d("server:\n  auth_tokens: [s3cret-token]\n");
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  auto res = c.Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse_reply(res)["error"]["type"], "security_exception") << res->body;
  EXPECT_EQ(parse_reply(res)["status"], 401);
  res = c.Post("/_bulk", "{\"index\":{}}\n{\"message\":\"x\"}\n", "application/x-ndjson");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);

  // Beats send the token as "ApiKey <key>"; Logstash and curl as Bearer.
  for (std::string scheme : {"ApiKey ", "Bearer "}) {
    httplib::Headers h{{"Authorization", scheme + "s3cret-token"}};
    res = c.Get("/", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("X-elastic-product"), "Elasticsearch");
    const auto banner = parse_reply(res);
    EXPECT_TRUE(banner["version"]["number"].is_string()) << res->body;
    res = c.Post("/_bulk", h, "{\"index\":{}}\n{\"message\":\"x\"}\n", "application/x-ndjson");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
  }
  EXPECT_EQ(count_stored_events(d.data_dir()), 2u);
}

// ---- Splunk HEC ----

httplib::Result post_hec(const Daemon& d, const std::string& body, const std::string& token = "",
                         const std::string& path = "/services/collector/event") {
  auto c = d.client();
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Splunk " + token);
  return c.Post(path, h, body, "application/json");
}

TEST(SplunkHec, SingleEventWithItsEnvelope) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  auto res = post_hec(
      d,
      R"({"time":1709287200.25,"host":"web-01","source":"/var/log/auth.log","sourcetype":"linux_secure","index":"main",)"
      R"("event":"Failed password for invalid user admin port 22 ssh2","fields":{"env":"prod","dc":"eu-1"}})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse_reply(res), nlohmann::json::parse(R"({"text":"Success","code":0})"));
  const auto events = stored_events(d);
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e["message"], "Failed password for invalid user admin port 22 ssh2");
  EXPECT_EQ(e["@timestamp"], "2024-03-01T10:00:00.250000Z");  // 1709287200 = 2024-03-01T10:00Z
  EXPECT_EQ(e["host"]["name"], "web-01");
  EXPECT_EQ(e["event"]["dataset"], "linux_secure");
  EXPECT_EQ(e["log"]["file"]["path"], "/var/log/auth.log");
  EXPECT_EQ(e["splunk"]["index"], "main");
  EXPECT_EQ(e["env"], "prod");
  EXPECT_EQ(e["dc"], "eu-1");
}

TEST(SplunkHec, ConcatenatedEventsObjectsAndStringsOnEveryPath) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  // Back to back with no separator, then newline-separated; a time as a string.
  auto res = post_hec(d, R"({"event":"one"}{"event":{"message":"two","user":{"name":"alice"}}})"
                         "\n"
                         R"({"event":"three","time":"1709287201"})"
                         "\n");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse_reply(res)["code"], 0);
  for (const char* path : {"/services/collector", "/services/collector/event/1.0"}) {
    res = post_hec(d, R"({"event":"four"})", "", path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path << " " << res->body;
  }
  const auto events = stored_events(d);
  EXPECT_EQ(messages_of(events), (std::set<std::string>{"one", "two", "three", "four"}));
  EXPECT_EQ(events.size(), 5u);
  for (const auto& e : events) {
    if (e["message"] == "two") {
      EXPECT_EQ(e["user"]["name"], "alice");
    }
    if (e["message"] == "three") {
      EXPECT_EQ(e["@timestamp"], "2024-03-01T10:00:01.000000Z");
    }
  }
}

TEST(SplunkHec, ErrorCodesAsSplunkSendsThem) {
  Daemon d;
  ASSERT_TRUE(d.started()) << d.process().log();
  struct Case {
    std::string body;
    int code;
    int invalid_event;  // -1: not in the reply
  };
  const std::vector<Case> cases = {
      {"", 5, -1},                                             // No data
      {"  \n", 5, -1},                                         // No data
      {R"({"event":"ok"}{"event":)", 6, 1},                    // Invalid data format
      {R"(not json)", 6, 0},                                   // Invalid data format
      {R"({"event":"ok"}{"time":1})", 12, 1},                  // Event field is required
      {R"({"event":"ok"}{"event":null})", 12, 1},              // Event field is required
      {R"({"event":""})", 13, 0},                              // Event field cannot be blank
      {R"({"event":"ok"}{"event":"ok"}{"event":""})", 13, 2},  // ... at its number
  };
  for (const auto& c : cases) {
    auto res = post_hec(d, c.body);
    ASSERT_TRUE(res) << c.body;
    EXPECT_EQ(res->status, 400) << c.body << " -> " << res->body;
    const auto reply = parse_reply(res);
    EXPECT_EQ(reply["code"], c.code) << c.body << " -> " << res->body;
    EXPECT_TRUE(reply["text"].is_string());
    if (c.invalid_event >= 0) {
      EXPECT_EQ(reply["invalid-event-number"], c.invalid_event) << c.body << " -> " << res->body;
    } else {
      EXPECT_FALSE(reply.contains("invalid-event-number")) << res->body;
    }
  }
  // The well-formed events before and around the bad ones were kept: 1+1+1+2.
  EXPECT_EQ(count_stored_events(d.data_dir()), 5u);
  const auto events = stored_events(d);
  EXPECT_EQ(messages_of(events), (std::set<std::string>{"ok"}));
}

TEST(SplunkHec, TokenAsSplunkClientsSendIt) {
  Daemon d("server:\n  auth_tokens: [hec-token-1]\n");
  ASSERT_TRUE(d.started()) << d.process().log();
  auto c = d.client();
  const std::string event = R"({"event":"hello"})";
  auto res = c.Post("/services/collector/event", event, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse_reply(res), nlohmann::json::parse(R"({"text":"Token is required","code":2})"));

  res = c.Post("/services/collector/event", {{"Authorization", "hec-token-1"}}, event,
               "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(parse_reply(res)["code"], 3) << res->body;  // Invalid authorization

  res = post_hec(d, event, "wrong-token");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(parse_reply(res), nlohmann::json::parse(R"({"text":"Invalid token","code":4})"));
  EXPECT_EQ(count_stored_events(d.data_dir()), 0u);

  res = post_hec(d, event, "hec-token-1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(parse_reply(res)["code"], 0);
  EXPECT_EQ(count_stored_events(d.data_dir()), 1u);

  // The health check stays open, as load balancers probe it without a token.
  res = c.Get("/services/collector/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(parse_reply(res)["code"], 17);
}

}  // namespace
}  // namespace vigil::testing
