// IntelMatcher on single events: which fields are checked, what a match does
// to the event (threat_indicators, severity never lowered) and the alert it
// raises; allowlisted values never alert.
#include "intel/intel_matcher.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>

#include "config/config.h"
#include "intel/normalize.h"
#include "intel/url_normalizer.h"

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

// The matcher as it was before its lookups were batched: one store lookup per
// value, in field order, the same value in two fields kept once. The batched
// matcher must give exactly this, and count exactly its suppressed matches.
std::vector<FieldMatch> one_lookup_per_value(const IndicatorStore& store, const MatchFields& fields,
                                             const Value& doc, Timestamp now) {
  std::vector<FieldMatch> out;
  const auto add = [&](const std::string& field, std::optional<LookupResult> r) {
    if (!r) return;
    for (const auto& m : out) {
      if (m.result.type == r->type && m.result.value == r->value) return;
    }
    out.push_back({field, std::move(*r)});
  };
  const auto each = [&](const std::vector<FieldPath>& paths, auto&& f) {
    for (const FieldPath& path : paths) {
      const Value* v = path.find(doc);
      if (v == nullptr) continue;
      if (v->is_string() && !v->as_string().empty()) f(path.str(), v->as_string());
      if (!v->is_array()) continue;
      for (const Value& item : v->as_array()) {
        if (item.is_string() && !item.as_string().empty()) f(path.str(), item.as_string());
      }
    }
  };
  const auto domain = [&](const std::string& field, std::string_view text) {
    if (auto a = IpPrefix::parse(text)) return add(field, store.lookup_ip(*a, now));
    add(field, store.lookup(text, IndicatorType::kDomain, now));
  };
  each(fields.ip, [&](const std::string& field, std::string_view text) {
    if (auto a = IpPrefix::parse(text)) add(field, store.lookup_ip(*a, now));
  });
  each(fields.domain, domain);
  each(fields.url, [&](const std::string& field, std::string_view text) {
    add(field, store.lookup(text, IndicatorType::kUrl, now));
    const std::string host = url_host(text);
    if (!host.empty()) domain(field, host);
  });
  each(fields.hash, [&](const std::string& field, std::string_view text) {
    const auto type = infer_type(text);
    if (type && is_hash(*type)) add(field, store.lookup(text, type, now));
  });
  each(fields.email, [&](const std::string& field, std::string_view text) {
    add(field, store.lookup(text, IndicatorType::kEmail, now));
  });
  return out;
}

// Random events (arrays longer than a batch, values listed or not, in other
// cases, as subdomains, allowlisted, expired, IPs in domain fields and URL
// hosts) against one_lookup_per_value.
TEST(IntelMatcherBatches, AgreeWithOneLookupPerValue) {
  std::mt19937_64 rng(31);
  const Timestamp now = Timestamp::now();
  const auto hex = [&](size_t n) {
    std::string h(n, '0');
    for (char& c : h) c = "0123456789abcdef"[rng() % 16];
    return h;
  };
  std::vector<std::string> listed[2];  // by source
  std::vector<std::string> values;     // what events are made of
  const auto list = [&](int source, std::string value, IndicatorType type,
                        bool subdomains = false) {
    Indicator i = make(value, type, "", static_cast<Severity>(rng() % kSeverityCount),
                       static_cast<int>(rng() % 101), {fmt::format("t{}", rng() % 5)});
    i.include_subdomains = subdomains;
    if (rng() % 6 == 0) i.valid_until = Timestamp{now.micros - 1};  // expired
    listed[source].push_back(value);
    values.push_back(std::move(value));
    return i;
  };
  std::vector<Indicator> by_source[2];
  for (int i = 0; i < 300; ++i) {
    const int s = static_cast<int>(rng() % 2);
    auto& v = by_source[s];
    constexpr std::pair<size_t, IndicatorType> kHashes[] = {{32, IndicatorType::kMd5},
                                                            {40, IndicatorType::kSha1},
                                                            {64, IndicatorType::kSha256},
                                                            {128, IndicatorType::kSha512}};
    switch (i % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        v.push_back(list(s, hex(kHashes[i % 8].first), kHashes[i % 8].second));
        break;
      case 4:
        v.push_back(list(s, fmt::format("h{}.zone{}.example", i, i % 4), IndicatorType::kDomain,
                         i % 3 == 0));
        break;
      case 5:
        v.push_back(
            list(s, fmt::format("http://site{}.example/p/{}", i % 9, i), IndicatorType::kUrl));
        break;
      case 6:
        v.push_back(list(s, fmt::format("u{}@mail{}.example", i, i % 3), IndicatorType::kEmail));
        break;
      default: {
        // Public and private (allowlisted by default) addresses.
        const std::string ip = i % 16 == 7 ? fmt::format("10.0.{}.{}", i % 7, i % 250)
                                           : fmt::format("185.{}.{}.{}", i % 5, i % 11, i % 250);
        v.push_back(list(s, ip, IndicatorType::kIpv4));
      }
    }
  }
  // Zone parents listed as "any subdomain of" by the second source.
  by_source[1].push_back(list(1, "zone1.example", IndicatorType::kDomain, true));
  auto store = std::make_shared<IndicatorStore>();
  store->replace_source("a", by_source[0]);
  store->replace_source("b", by_source[1]);
  // A large source too (its own index tier), listing nothing the events hold.
  std::vector<Indicator> bulk;
  for (int i = 0; i < 70000; ++i)
    bulk.push_back(make(fmt::format("{:032x}", i), IndicatorType::kMd5, "", Severity::kLow, 1));
  store->replace_source("bulk", bulk);

  const MatchFields fields{{FieldPath("source.ip"), FieldPath("destination.ip")},
                           {FieldPath("dns.name")},
                           {FieldPath("url")},
                           {FieldPath("hash"), FieldPath("file.hash")},
                           {FieldPath("email")}};
  const IntelMatcher matcher(store, fields);
  const auto pick = [&]() -> std::string {
    std::string v = values[rng() % values.size()];
    switch (rng() % 6) {
      case 0:
        std::transform(v.begin(), v.end(), v.begin(), ::toupper);
        return v;
      case 1:
        return "www." + v;
      case 2:
        return "http://" + v + "/x";  // a URL whose host may be listed
      case 3:
        return hex(64);
      default:
        return v;
    }
  };
  const char* paths[] = {"source.ip", "destination.ip", "dns.name", "url",
                         "hash",      "file.hash",      "email"};
  size_t matched = 0;
  for (int e = 0; e < 400; ++e) {
    Value doc{Object{}};
    for (const char* path : paths) {
      if (rng() % 3 == 0) continue;
      const size_t n = rng() % 4 == 0 ? 40 : 1;  // some arrays longer than a batch
      if (n == 1) {
        FieldPath(path).set(doc, Value(pick()));
        continue;
      }
      Array items;
      for (size_t i = 0; i < n; ++i) items.emplace_back(pick());
      FieldPath(path).set(doc, Value(std::move(items)));
    }
    const uint64_t suppressed_before = store->suppressed_matches();
    const auto got = matcher.match(doc, now);
    const uint64_t suppressed = store->suppressed_matches() - suppressed_before;
    const auto want = one_lookup_per_value(*store, fields, doc, now);
    EXPECT_EQ(suppressed, store->suppressed_matches() - suppressed_before - suppressed);
    ASSERT_EQ(got.size(), want.size()) << "event " << e;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].field, want[i].field);
      EXPECT_EQ(got[i].result.value, want[i].result.value);
      EXPECT_EQ(got[i].result.type, want[i].result.type);
      EXPECT_EQ(got[i].result.severity, want[i].result.severity);
      EXPECT_EQ(got[i].result.confidence, want[i].result.confidence);
      EXPECT_EQ(got[i].result.sources, want[i].result.sources);
      EXPECT_EQ(got[i].result.tags, want[i].result.tags);
      EXPECT_EQ(got[i].result.first_seen, want[i].result.first_seen);
      EXPECT_EQ(got[i].result.last_seen, want[i].result.last_seen);
      EXPECT_EQ(got[i].result.matches.size(), want[i].result.matches.size());
    }
    matched += got.size();
  }
  EXPECT_GT(matched, 400u);  // events match often enough to mean something
  EXPECT_GT(store->suppressed_matches(), 0u);
}

}  // namespace
}  // namespace vigil::intel
