// IntelMatcher on single events: which fields are checked, what a match does
// to the event (threat_indicators, severity never lowered) and the alert it
// raises; allowlisted values never alert.
#include "intel/intel_matcher.h"

#include <gtest/gtest.h>

#include <mutex>

#include "config/config.h"

namespace vigil::intel {
namespace {

class CapturingSink : public AlertSink {
 public:
  void emit(Alert alert) override {
    std::lock_guard lock(mu_);
    alerts.push_back(std::move(alert));
  }
  std::vector<Alert> alerts;

 private:
  std::mutex mu_;
};

Indicator make(std::string value, IndicatorType type, std::string source, Severity severity,
               int confidence, std::vector<std::string> tags = {}) {
  Indicator i;
  i.value = std::move(value);
  i.type = type;
  i.source = std::move(source);
  i.severity = severity;
  i.confidence = confidence;
  i.first_seen = Timestamp::from_seconds(1'700'000'000);
  i.last_seen = i.first_seen;
  i.valid_until = Timestamp{Timestamp::now().micros + 3'600'000'000};
  i.tags = std::move(tags);
  i.reference = "https://feed.example/" + i.value;
  return i;
}

MatchFields default_fields() {
  const vigil::IntelConfig c;
  const auto paths = [](const std::vector<std::string>& v) {
    return std::vector<FieldPath>(v.begin(), v.end());
  };
  return {paths(c.ip_fields), paths(c.domain_fields), paths(c.url_fields), paths(c.hash_fields),
          paths(c.email_fields)};
}

Event event_with(Object fields, Severity severity = Severity::kInfo) {
  Event e;
  e.doc = Value(std::move(fields));
  e.severity = severity;
  e.time = Timestamp::from_seconds(1'760'000'000);
  return e;
}

class IntelMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_shared<IndicatorStore>();
    store_->replace_source(
        "feodo",
        {make("185.220.101.77", IndicatorType::kIpv4, "", Severity::kHigh, 90, {"botnet_cc"}),
         make("8.8.4.0/24", IndicatorType::kCidr, "", Severity::kLow, 40)});
    store_->replace_source("urlhaus", {make("http://evil.example/payload.exe", IndicatorType::kUrl,
                                            "", Severity::kCritical, 100, {"malware_download"}),
                                       make("185.220.101.77", IndicatorType::kIpv4, "",
                                            Severity::kMedium, 60, {"x"})});
    Indicator sub = make("bad.example", IndicatorType::kDomain, "", Severity::kMedium, 70);
    sub.include_subdomains = true;
    store_->replace_source(
        "misc",
        {sub,
         make("44d88612fea8a8f36de82e1278abb02f", IndicatorType::kMd5, "", Severity::kHigh, 80),
         make("phisher@evil.example", IndicatorType::kEmail, "", Severity::kMedium, 50),
         make("10.1.2.3", IndicatorType::kIpv4, "", Severity::kCritical, 100)});
    matcher_ = std::make_unique<IntelMatcher>(store_, default_fields(), &matches_);
  }

  std::shared_ptr<IndicatorStore> store_;
  metrics::Counter matches_;
  std::unique_ptr<IntelMatcher> matcher_;
  CapturingSink sink_;
};

TEST_F(IntelMatcherTest, IpMatchAttachesTheAggregateRaisesSeverityAndAlerts) {
  Event e = event_with({{"event_type", "connection"},
                        {"source", Object{{"ip", "192.0.2.10"}}},
                        {"destination", Object{{"ip", "185.220.101.77"}}}});
  matcher_->on_event(e, sink_);
  EXPECT_EQ(e.severity, Severity::kHigh);
  const Value* ti = e.doc.find("threat_indicators");
  ASSERT_NE(ti, nullptr);
  ASSERT_EQ(ti->as_array().size(), 1u);
  const Value& m = ti->as_array()[0];
  EXPECT_EQ(m.find("field")->as_string(), "destination.ip");
  EXPECT_EQ(m.find("value")->as_string(), "185.220.101.77");
  EXPECT_EQ(m.find("severity")->as_string(), "high");  // max of high and medium
  EXPECT_EQ(m.find("confidence")->as_int(), 90);       // max of 90 and 60
  ASSERT_EQ(m.find("sources")->as_array().size(), 2u);
  EXPECT_EQ(m.find("sources")->as_array()[0].as_string(), "feodo");
  EXPECT_EQ(m.find("sources")->as_array()[1].as_string(), "urlhaus");
  EXPECT_EQ(m.find("tags")->as_array().size(), 2u);

  ASSERT_EQ(sink_.alerts.size(), 1u);
  const Alert& a = sink_.alerts[0];
  EXPECT_EQ(a.rule, "threat_intel_match");
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_DOUBLE_EQ(a.confidence, 0.9);
  EXPECT_NE(std::find(a.tags.begin(), a.tags.end(), "botnet_cc"), a.tags.end());
  EXPECT_EQ(a.context.find("sources")->as_array().size(), 2u);
  EXPECT_EQ(a.references.size(), 1u);  // both sources cite the same reference URL
  EXPECT_EQ(a.events.size(), 1u);
  EXPECT_EQ(matches_.value(), 1u);
}

TEST_F(IntelMatcherTest, AlertEntityIsTheSourceAndHostNotTheUser) {
  // An attacker trying several user names: one entity for the alert path to fold.
  for (const char* user : {"root", "admin"}) {
    Event e = event_with({{"user", Object{{"name", user}}},
                          {"host", Object{{"name", "LabSZ"}}},
                          {"source", Object{{"ip", "185.220.101.77"}}}});
    matcher_->on_event(e, sink_);
  }
  ASSERT_EQ(sink_.alerts.size(), 2u);
  for (const Alert& a : sink_.alerts) {
    EXPECT_EQ(a.entity.source_ip, "185.220.101.77");
    EXPECT_EQ(a.entity.host, "LabSZ");
    EXPECT_EQ(a.entity.user, "");
  }
}

TEST_F(IntelMatcherTest, NeverLowersSeverityAndTakesTheIndicatorsWhenHigher) {
  Event critical = event_with({{"destination.ip", "8.8.4.4"}}, Severity::kCritical);
  matcher_->on_event(critical, sink_);
  EXPECT_EQ(critical.severity, Severity::kCritical);  // a low CIDR indicator does not lower it
  ASSERT_EQ(sink_.alerts.size(), 1u);
  EXPECT_EQ(sink_.alerts[0].severity, Severity::kHigh);  // at least high
  EXPECT_EQ(critical.doc.find("threat_indicators")->as_array()[0].find("severity")->as_string(),
            "low");

  Event url = event_with({{"url", Object{{"full", "HTTP://EVIL.example:80/payload.exe"}}}});
  matcher_->on_event(url, sink_);
  ASSERT_EQ(sink_.alerts.size(), 2u);
  EXPECT_EQ(sink_.alerts[1].severity, Severity::kCritical);  // the indicator's own severity
  EXPECT_EQ(url.severity, Severity::kHigh);                  // the event: at least high
}

TEST_F(IntelMatcherTest, UrlHostsHashesEmailsAndArraysAreChecked) {
  Event e = event_with(
      {{"url.original", "https://cdn.bad.example/x?y=1"},
       {"file", Object{{"hash", Object{{"md5", "44D88612FEA8A8F36DE82E1278ABB02F"}}}}},
       {"email",
        Object{{"from", Object{{"address", Array{"ok@example.org", "Phisher@Evil.example"}}}}}}});
  const auto found = matcher_->match(e.doc, Timestamp::now());
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].result.type, IndicatorType::kDomain);  // the URL's host, by subdomain
  EXPECT_EQ(found[0].field, "url.original");
  EXPECT_EQ(found[1].result.type, IndicatorType::kMd5);
  EXPECT_EQ(found[2].result.type, IndicatorType::kEmail);
  EXPECT_EQ(found[2].result.value, "phisher@evil.example");
}

TEST_F(IntelMatcherTest, TheSameValueInTwoFieldsIsOneMatch) {
  Event e =
      event_with({{"ip_address", "185.220.101.77"}, {"source", Object{{"ip", "185.220.101.77"}}}});
  matcher_->on_event(e, sink_);
  EXPECT_EQ(e.doc.find("threat_indicators")->as_array().size(), 1u);
  EXPECT_EQ(matches_.value(), 1u);
}

TEST_F(IntelMatcherTest, AllowlistedAndUnknownValuesDoNotAlert) {
  metrics::Counter suppressed;
  store_->count_suppressed_in(&suppressed);
  // 10.1.2.3 is listed (critical!) but private: the default allowlist wins.
  Event e = event_with({{"source.ip", "10.1.2.3"},
                        {"destination.ip", "185.220.101.200"},
                        {"domain", "good.example"},
                        {"hash", "not-a-hash"}});
  matcher_->on_event(e, sink_);
  EXPECT_TRUE(sink_.alerts.empty());
  EXPECT_EQ(e.severity, Severity::kInfo);
  EXPECT_EQ(e.doc.find("threat_indicators"), nullptr);
  EXPECT_EQ(suppressed.value(), 1u);
  EXPECT_EQ(store_->suppressed_matches(), 1u);
}

TEST_F(IntelMatcherTest, ExpiredIndicatorsDoNotMatch) {
  Indicator old = make("185.220.101.250", IndicatorType::kIpv4, "", Severity::kHigh, 90);
  old.valid_until = Timestamp{Timestamp::now().micros - 1};
  store_->replace_source("old", {old});
  Event e = event_with({{"destination.ip", "185.220.101.250"}});
  matcher_->on_event(e, sink_);
  EXPECT_TRUE(sink_.alerts.empty());
}

}  // namespace
}  // namespace vigil::intel
