// How GeoIP enrichment treats odd values, existing fields, configuration
// and concurrent callers.
#include <gtest/gtest.h>

#include <thread>

#include "core/field_path.h"
#include "enrich/enricher.h"
#include "geoip_test_util.h"
#include "support/test_data.h"

namespace vigil {
namespace {

using testing::at;
using testing::event_with;
using testing::expected_for;
using testing::ExpectedLookup;
using testing::first_with;
using testing::str_at;

TEST(EnrichGeoip, Ipv4MappedIpv6IsTheIpv4Address) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-City-Test.mmdb");
  ASSERT_TRUE(enricher);
  for (const ExpectedLookup& x : expected_for(dir, "GeoIP2-City-Test.mmdb")) {
    if (!x.found || x.get("city").empty()) continue;
    Event e = event_with("source.ip", "::ffff:" + x.ip);
    enricher->enrich(e);
    EXPECT_EQ(str_at(e, "source.geo.city_name"), x.get("city")) << x.ip;
  }
}

TEST(EnrichGeoip, NonAddressValuesAreIgnored) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-City-Test.mmdb");
  ASSERT_TRUE(enricher);
  const auto expected = expected_for(dir, "GeoIP2-City-Test.mmdb");
  const std::string known = expected.at(0).ip;
  const Value values[] = {"not-an-ip",
                          "",
                          "81.2",
                          known + ":443",
                          " " + known,
                          known + "/24",
                          "host.example.com",
                          "999.1.1.1",
                          "fe80::1%eth0",
                          int64_t{1234567},
                          true,
                          Value(Object{{"ip", known}}),
                          Value(Array{Value(known)})};
  for (const Value& v : values) {
    Event e = event_with("source.ip", v);
    const Value before = e.doc;
    enricher->enrich(e);
    EXPECT_EQ(e.doc, before);
  }
  Event no_field;
  no_field.doc = Object{{"message", "hello"}};
  const Value before = no_field.doc;
  enricher->enrich(no_field);
  EXPECT_EQ(no_field.doc, before);
  EXPECT_EQ(enricher->lookup_errors(), 0u);
}

TEST(EnrichGeoip, Ipv6AddressInIpv4OnlyDatabaseIsNotFound) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "MaxMind-DB-test-ipv4-24.mmdb");
  ASSERT_TRUE(enricher);
  Event e = event_with("source.ip", "2001:db8::1");
  const Value before = e.doc;
  enricher->enrich(e);
  EXPECT_EQ(e.doc, before);
  EXPECT_EQ(enricher->lookup_errors(), 0u);
}

TEST(EnrichGeoip, KeepsWhatTheEventAlreadyHas) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-City-Test.mmdb");
  ASSERT_TRUE(enricher);
  const auto expected = expected_for(dir, "GeoIP2-City-Test.mmdb");
  const ExpectedLookup* hit = first_with(expected, "city");
  ASSERT_NE(hit, nullptr);
  Event e = event_with("source.ip", hit->ip);
  FieldPath("source.geo.name").set(e.doc, "branch-office");
  FieldPath("source.port").set(e.doc, 443);
  enricher->enrich(e);
  EXPECT_EQ(str_at(e, "source.geo.name"), "branch-office");
  EXPECT_EQ(str_at(e, "source.geo.city_name"), hit->get("city"));
  EXPECT_EQ(str_at(e, "source.ip"), hit->ip);
  // A scalar where the geo object would go is never overwritten.
  Event scalar = event_with("source.ip", hit->ip);
  FieldPath("source.geo").set(scalar.doc, "manual");
  enricher->enrich(scalar);
  EXPECT_EQ(str_at(scalar, "source.geo"), "manual");
}

TEST(EnrichGeoip, ConcurrentEnrichMatchesSequential) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-City-Test.mmdb",
                                         dir / "test-data" / "GeoLite2-ASN-Test.mmdb");
  ASSERT_TRUE(enricher);
  std::vector<Event> events;
  for (const auto& x :
       testing::parse_expected_lookups(testing::read_file(dir / "expected-lookups.txt"))) {
    Event e = event_with("source.ip", x.ip);
    FieldPath("destination.ip").set(e.doc, x.ip);
    events.push_back(std::move(e));
  }
  std::vector<Event> sequential = events;
  for (Event& e : sequential) enricher->enrich(e);
  std::vector<std::vector<Event>> per_thread(4, events);
  std::vector<std::thread> threads;
  for (auto& batch : per_thread) {
    threads.emplace_back([&enricher, &batch] {
      for (Event& e : batch) enricher->enrich(e);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& batch : per_thread) {
    for (size_t i = 0; i < batch.size(); ++i) ASSERT_EQ(batch[i].doc, sequential[i].doc);
  }
}

TEST(EnrichGeoip, OffWithoutDatabases) {
  auto enricher = Enricher::create(EnrichConfig{});
  ASSERT_TRUE(enricher) << enricher.error().message;
  EXPECT_FALSE((*enricher)->geoip_enabled());
  Event e = event_with("source.ip", "81.2.69.142");
  const Value before = e.doc;
  (*enricher)->enrich(e);
  EXPECT_EQ(e.doc, before);
}

TEST(EnrichGeoip, IpFieldNeedsAParent) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  EnrichConfig config;
  config.geoip = (dir / "test-data" / "GeoIP2-City-Test.mmdb").string();
  config.ip_fields = {"client_ip"};
  auto enricher = Enricher::create(config);
  ASSERT_FALSE(enricher);
  EXPECT_EQ(enricher.error().code, ErrorCode::kConfig);
  EXPECT_NE(enricher.error().message.find("client_ip"), std::string::npos);
}

TEST(EnrichGeoip, CustomIpFields) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  EnrichConfig config;
  config.geoip = (dir / "test-data" / "GeoIP2-City-Test.mmdb").string();
  config.ip_fields = {"client.address", "server.ip"};
  auto enricher = Enricher::create(config);
  ASSERT_TRUE(enricher) << enricher.error().message;
  const auto expected = expected_for(dir, "GeoIP2-City-Test.mmdb");
  const ExpectedLookup* hit = first_with(expected, "city");
  ASSERT_NE(hit, nullptr);
  Event e = event_with("client.address", hit->ip);
  FieldPath("source.ip").set(e.doc, hit->ip);
  (*enricher)->enrich(e);
  EXPECT_EQ(str_at(e, "client.geo.city_name"), hit->get("city"));
  EXPECT_EQ(at(e, "source.geo"), nullptr);  // not configured
}

TEST(EnrichGeoip, MissingDatabaseFileNamesIt) {
  EnrichConfig config;
  config.geoip = "/nonexistent/GeoLite2-City.mmdb";
  auto enricher = Enricher::create(config);
  ASSERT_FALSE(enricher);
  EXPECT_NE(enricher.error().message.find(config.geoip), std::string::npos)
      << enricher.error().message;
}

}  // namespace
}  // namespace vigil
