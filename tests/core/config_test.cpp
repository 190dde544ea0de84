#include "config/config.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(Config, EmptyFileGivesDefaults) {
  auto c = load_config_string("", "empty.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c->storage.data_dir, "./data");
  EXPECT_FALSE(c->normalize.aliases.at("user.name").empty());
}

TEST(Config, UnknownKeyNamesFileLineAndKey) {
  auto c = load_config_string("server:\n  listen: 0.0.0.0:9000\n  lisen: x\n", "vigil.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("vigil.yaml:3"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("server.lisen"), std::string::npos) << c.error().message;
}

TEST(Config, WrongTypeIsAnError) {
  auto c = load_config_string("storage:\n  retention_days: lots\n", "v.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("v.yaml:2"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("storage.retention_days"), std::string::npos);
}

TEST(Config, ValuesOverrideDefaults) {
  auto c = load_config_string(
      "storage:\n  data_dir: /var/lib/vigil\n  retention_days: 7\n"
      "normalize:\n  aliases:\n    user.name: [login]\n",
      "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->storage.data_dir, "/var/lib/vigil");
  EXPECT_EQ(c->storage.retention_days, 7);
  EXPECT_EQ(c->normalize.aliases.at("user.name"), std::vector<std::string>{"login"});
  EXPECT_FALSE(c->normalize.aliases.at("source.ip").empty());
}

TEST(Config, WorkerNiceIsReadAndBounded) {
  auto c = load_config_string("pipeline:\n  worker_nice: 0\n", "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->pipeline.worker_nice, 0);
  auto bad = load_config_string("pipeline:\n  workers: 2\n  worker_nice: 25\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("v.yaml:3"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("pipeline.worker_nice"), std::string::npos);
}

TEST(Config, CorrelationLimitsOverridesAndPlaceholdersPerName) {
  auto c = load_config_string(
      "detect:\n"
      "  placeholders: {admins: [root]}\n"
      "  correlation: {max_groups: 50, allowed_lateness_s: 5}\n"
      "  correlation_overrides:\n"
      "    excessive_failed_logins: {timespan: 10m, gte: 10}\n",
      "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->detect.correlation.max_groups, 50u);
  EXPECT_EQ(c->detect.correlation.max_events_per_group, 10000u);
  EXPECT_EQ(c->detect.correlation.allowed_lateness_s, 5);
  const auto& o = c->detect.correlation_overrides.at("excessive_failed_logins");
  EXPECT_EQ(o.timespan, "10m");
  EXPECT_EQ(o.condition, (std::vector<std::pair<std::string, double>>{{"gte", 10}}));
  // A configured placeholder adds to the defaults, which stay.
  EXPECT_EQ(c->detect.placeholders.at("admins"), std::vector<std::string>{"root"});
  EXPECT_FALSE(c->detect.placeholders.at("sensitive_resources").empty());

  auto bad = load_config_string(
      "detect:\n  correlation_overrides:\n    x: {timespan: 5m, more: 3}\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("v.yaml:3"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("detect.correlation_overrides.x.more"), std::string::npos)
      << bad.error().message;
}

// Window entries number their arrivals in 32 bits (state::WindowEntry::seq).
TEST(Config, EventsPerCorrelationGroupAreBounded) {
  auto bad =
      load_config_string("detect:\n  correlation: {max_events_per_group: 5000000000}\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("max_events_per_group"), std::string::npos)
      << bad.error().message;
  EXPECT_TRUE(
      load_config_string("detect:\n  correlation: {max_events_per_group: 1000000000}\n", "v.yaml"));
}

TEST(Config, AlertOutputsAreReadAndCheckedPerItem) {
  auto c = load_config_string(
      "alerts:\n"
      "  dedupe_window_s: 60\n"
      "  outputs:\n"
      "    - type: file\n"
      "      path: /tmp/a.jsonl\n"
      "    - type: webhook\n"
      "      url: http://127.0.0.1:9/hook\n"
      "      headers: {X-Source: vigil}\n",
      "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->alerts.dedupe_window_s, 60);
  ASSERT_EQ(c->alerts.outputs.size(), 2u);
  EXPECT_EQ(c->alerts.outputs[0].name, "file");
  EXPECT_EQ(c->alerts.outputs[1].headers.at("X-Source"), "vigil");

  auto bad = load_config_string("alerts:\n  outputs:\n    - type: pager\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("v.yaml:3"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("alerts.outputs[0].type"), std::string::npos);
  auto no_path = load_config_string("alerts:\n  outputs:\n    - type: file\n", "v.yaml");
  ASSERT_FALSE(no_path);
  EXPECT_NE(no_path.error().message.find("alerts.outputs[0].path"), std::string::npos);
  auto typo = load_config_string("alerts:\n  outputs:\n    - type: log\n      qeue: 1\n", "v.yaml");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("alerts.outputs[0].qeue"), std::string::npos);
}

TEST(Config, SyntaxErrorHasLine) {
  auto c = load_config_string("server:\n  listen: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("bad.yaml:"), std::string::npos);
}

TEST(Config, SourcesAndDeclaredDecoders) {
  auto c = load_config_string(
      "sources:\n"
      "  - type: file\n"
      "    paths: [/var/log/auth.log*]\n"
      "    decoder: auth\n"
      "  - type: syslog\n"
      "    name: net\n"
      "    udp: 127.0.0.1:5514\n"
      "decoders:\n"
      "  - name: fw\n"
      "    type: regex\n"
      "    pattern: '(?P<src>\\S+)'\n"
      "    fields: {src: source.ip}\n",
      "v.yaml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->sources.size(), 2u);
  EXPECT_EQ(c->sources[0].name, "file0");
  EXPECT_EQ(c->sources[0].decoder, "auth");
  EXPECT_EQ(c->sources[1].decoder, "syslog");  // the syslog source's default
  ASSERT_EQ(c->decoders.size(), 1u);
  EXPECT_EQ(c->decoders[0].fields.at("src"), "source.ip");

  auto bad = load_config_string("sources:\n  - type: file\n    decoder: auth\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("sources[0].paths"), std::string::npos) << bad.error().message;
  bad = load_config_string("sources:\n  - type: syslog\n    udp: x:1\n    tpc: y\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("sources[0].tpc"), std::string::npos) << bad.error().message;
  bad = load_config_string("decoders:\n  - name: x\n    type: csv\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("columns"), std::string::npos) << bad.error().message;
  // A regex that does not compile, or takes no field, is named with its file and line.
  bad = load_config_string(
      "decoders:\n  - name: fw\n    type: regex\n    pattern: '(?P<src>\\S+'\n", "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("v.yaml:4"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("decoders[0].pattern does not compile"), std::string::npos)
      << bad.error().message;
  bad = load_config_string("decoders:\n  - name: fw\n    type: regex\n    pattern: '(\\S+)'\n",
                           "v.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("has no named group"), std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace vigil
