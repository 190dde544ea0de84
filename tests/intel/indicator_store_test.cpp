#include "intel/indicator_store.h"

#include <gtest/gtest.h>

#include <thread>

namespace vigil::intel {
namespace {

constexpr Timestamp kNow{1'700'000'000'000'000};
constexpr int64_t kDayMicros = 86'400'000'000;

Indicator make(std::string value, Severity sev = Severity::kMedium, int confidence = 50,
               std::vector<std::string> tags = {}) {
  auto n = normalize_indicator(value);
  EXPECT_TRUE(n) << value;
  Indicator i;
  i.value = n->value;
  i.type = n->type;
  i.include_subdomains = n->include_subdomains;
  i.severity = sev;
  i.confidence = confidence;
  i.first_seen = Timestamp{kNow.micros - 10 * kDayMicros};
  i.last_seen = Timestamp{kNow.micros - kDayMicros};
  i.valid_until = Timestamp{kNow.micros + kDayMicros};
  i.tags = std::move(tags);
  return i;
}

TEST(IndicatorStore, AggregatesAcrossSourcesLikeCheckIoc) {
  IndicatorStore store;
  Indicator a = make("45.9.148.108", Severity::kLow, 90, {"c2", "emotet"});
  a.first_seen = Timestamp{kNow.micros - 30 * kDayMicros};
  Indicator b = make("45.9.148.108", Severity::kCritical, 40, {"emotet", "botnet"});
  b.last_seen = kNow;
  store.replace_source("feodo", {a});
  store.replace_source("threatfox", {b});
  auto r = store.lookup("45.9.148.108", std::nullopt, kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->severity, Severity::kCritical);  // ordered, not alphabetical
  EXPECT_EQ(r->confidence, 90);
  EXPECT_EQ(r->sources, (std::vector<std::string>{"feodo", "threatfox"}));
  EXPECT_EQ(r->first_seen, a.first_seen);
  EXPECT_EQ(r->last_seen, kNow);
  EXPECT_EQ(r->tags, (std::vector<std::string>{"botnet", "c2", "emotet"}));
  EXPECT_EQ(r->matches.size(), 2u);
}

TEST(IndicatorStore, CidrMatchesEveryCoveringRangeBothFamilies) {
  IndicatorStore store;
  store.replace_source("drop", {make("223.166.0.0/15", Severity::kHigh), make("223.0.0.0/8"),
                                make("2a02:cf40::/32"), make("2a02:cf40:1::/48")});
  auto r = store.lookup("223.167.255.1", std::nullopt, kNow);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->matches.size(), 2u);
  EXPECT_EQ(r->matches[0].value, "223.166.0.0/15");  // longest prefix first
  EXPECT_EQ(r->severity, Severity::kHigh);
  EXPECT_FALSE(store.lookup("223.168.0.1", std::nullopt, kNow)->matches.size() != 1);
  EXPECT_FALSE(store.lookup("224.0.0.1", std::nullopt, kNow));
  auto v6 = store.lookup("2a02:cf40:1::5", std::nullopt, kNow);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->matches.size(), 2u);
  EXPECT_EQ(store.lookup("2a02:cf40:2::5", std::nullopt, kNow)->matches.size(), 1u);
  // An IPv4 address never matches an IPv6 range and vice versa.
  store.replace_source("v6all", {make("::/1")});
  EXPECT_FALSE(store.lookup("1.2.3.4", std::nullopt, kNow));
}

TEST(IndicatorStore, DomainExactAndAnySubdomain) {
  IndicatorStore store;
  store.replace_source("f", {make("exact.example.com"), make("*.evil.example")});
  EXPECT_TRUE(store.lookup("Exact.Example.com", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("sub.exact.example.com", std::nullopt, kNow));
  EXPECT_TRUE(store.lookup("evil.example", std::nullopt, kNow));
  EXPECT_TRUE(store.lookup("a.b.evil.example", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("notevil.example", std::nullopt, kNow));
}

TEST(IndicatorStore, UrlHashAndEmailExact) {
  IndicatorStore store;
  store.replace_source("f", {make("http://Evil.example:80/a%7eb"), make(std::string(64, 'A')),
                             make("x@evil.example")});
  EXPECT_TRUE(store.lookup("http://evil.example/a~b", std::nullopt, kNow));
  EXPECT_TRUE(store.lookup(std::string(64, 'a'), std::nullopt, kNow));
  EXPECT_TRUE(store.lookup("X@EVIL.example", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup(std::string(64, 'b'), std::nullopt, kNow));
}

TEST(IndicatorStore, ExpiredNeverMatchesAndIsPurged) {
  IndicatorStore store;
  Indicator old = make("evil.example");
  old.valid_until = kNow;
  store.replace_source("f", {old, make("live.example")});
  EXPECT_FALSE(store.lookup("evil.example", std::nullopt, kNow));
  EXPECT_TRUE(store.lookup("evil.example", std::nullopt, Timestamp{kNow.micros - 1}));
  EXPECT_EQ(store.purge_expired(kNow), 1u);
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.lookup("live.example", std::nullopt, kNow));
}

TEST(IndicatorStore, ReplacingOneSourceLeavesTheOthers) {
  IndicatorStore store;
  store.replace_source("a", {make("1.1.1.1"), make("2.2.2.2")});
  store.replace_source("b", {make("2.2.2.2")});
  store.replace_source("a", {make("3.3.3.3")});  // a delisted 1.1.1.1 and 2.2.2.2
  EXPECT_FALSE(store.lookup("1.1.1.1", std::nullopt, kNow));
  auto r = store.lookup("2.2.2.2", std::nullopt, kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sources, std::vector<std::string>{"b"});
  store.replace_source("b", {});
  EXPECT_FALSE(store.lookup("2.2.2.2", std::nullopt, kNow));
  EXPECT_EQ(store.sources().size(), 1u);
}

TEST(IndicatorStore, AllowlistSuppressesAndCounts) {
  Allowlist allow = Allowlist::with_defaults();
  ASSERT_TRUE(allow.add("trusted.example"));
  ASSERT_TRUE(allow.add("8.8.8.0/24"));
  EXPECT_FALSE(allow.add("not a value"));
  IndicatorStore store(std::move(allow));
  store.replace_source("f", {make("10.0.0.1"), make("cdn.trusted.example"), make("8.8.8.8"),
                             make("192.0.2.0/24"), make("2001:db8::1"), make("9.9.9.9")});
  EXPECT_FALSE(store.lookup("10.0.0.1", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("cdn.trusted.example", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("8.8.8.8", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("192.0.2.7", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("2001:db8::1", std::nullopt, kNow));
  EXPECT_FALSE(store.lookup("10.9.9.9", std::nullopt, kNow));  // no match: not counted
  EXPECT_EQ(store.suppressed_matches(), 5u);
  EXPECT_TRUE(store.lookup("9.9.9.9", std::nullopt, kNow));
}

// A reader racing with updates only ever sees one whole feed or the other.
TEST(IndicatorStore, LookupsNeverSeeHalfAFeed) {
  IndicatorStore store;
  std::vector<Indicator> even, odd;
  for (int i = 0; i < 200; ++i) {
    (i % 2 ? odd : even).push_back(make("10." + std::to_string(i) + ".0.0/16"));
    (i % 2 ? odd : even).push_back(make("h" + std::to_string(i) + ".example"));
  }
  store.replace_source("f", even);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int round = 0; round < 50; ++round) store.replace_source("f", round % 2 ? even : odd);
    stop = true;
  });
  while (!stop) {
    const size_t n = store.size();
    EXPECT_TRUE(n == even.size() || n == odd.size()) << n;
  }
  writer.join();
}

}  // namespace
}  // namespace vigil::intel
