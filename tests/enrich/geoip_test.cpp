// GeoIP/ASN enrichment against MaxMind's test databases, with the answers
// taken from expected-lookups.txt.
#include <gtest/gtest.h>

#include <cstdlib>

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

TEST(EnrichGeoip, CityAnswersMatchExpectedLookups) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-City-Test.mmdb");
  ASSERT_TRUE(enricher);
  ASSERT_TRUE(enricher->geoip_enabled());
  const auto expected = expected_for(dir, "GeoIP2-City-Test.mmdb");
  ASSERT_GE(expected.size(), 40u);
  for (const ExpectedLookup& x : expected) {
    SCOPED_TRACE("expected-lookups.txt:" + std::to_string(x.line) + " " + x.ip);
    Event e = event_with("source.ip", x.ip);
    const Value before = e.doc;
    enricher->enrich(e);
    if (!x.found) {
      EXPECT_EQ(e.doc, before);
      continue;
    }
    const std::string country = x.get("country");
    EXPECT_EQ(str_at(e, "source.geo.country_iso_code"), country);
    EXPECT_EQ(str_at(e, "source.geo.city_name"), x.get("city"));
    const std::string subdivisions = x.get("subdivisions");
    const std::string most_specific = subdivisions.substr(subdivisions.rfind(',') + 1);
    EXPECT_EQ(str_at(e, "source.geo.region_iso_code"),
              subdivisions.empty() || country.empty() ? "" : country + "-" + most_specific);
    if (x.get("lat").empty()) {
      EXPECT_EQ(at(e, "source.geo.location"), nullptr);
    } else {
      const Value* lat = at(e, "source.geo.location.lat");
      const Value* lon = at(e, "source.geo.location.lon");
      ASSERT_TRUE(lat != nullptr && lon != nullptr);
      EXPECT_DOUBLE_EQ(lat->number(), std::strtod(x.get("lat").c_str(), nullptr));
      EXPECT_DOUBLE_EQ(lon->number(), std::strtod(x.get("lon").c_str(), nullptr));
    }
    if (!country.empty()) {
      EXPECT_FALSE(str_at(e, "source.geo.country_name").empty());
    }
    EXPECT_EQ(at(e, "source.as"), nullptr);  // a City database has no AS data
  }
}

TEST(EnrichGeoip, CountryAnswersMatchExpectedLookups) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-Country-Test.mmdb");
  ASSERT_TRUE(enricher);
  const auto expected = expected_for(dir, "GeoIP2-Country-Test.mmdb");
  ASSERT_GE(expected.size(), 30u);
  for (const ExpectedLookup& x : expected) {
    SCOPED_TRACE("expected-lookups.txt:" + std::to_string(x.line) + " " + x.ip);
    Event e = event_with("destination.ip", x.ip);
    const Value before = e.doc;
    enricher->enrich(e);
    if (!x.found) {
      EXPECT_EQ(e.doc, before);
      continue;
    }
    EXPECT_EQ(str_at(e, "destination.geo.country_iso_code"), x.get("country"));
    EXPECT_EQ(str_at(e, "destination.geo.continent_code"), x.get("continent"));
    EXPECT_EQ(at(e, "destination.geo.city_name"), nullptr);
  }
}

void expect_asn(const Event& e, const ExpectedLookup& x, std::string_view prefix) {
  const std::string p(prefix);
  const Value* number = at(e, p + ".as.number");
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(std::to_string(static_cast<uint64_t>(number->number())), x.get("asn"));
  EXPECT_EQ(str_at(e, p + ".as.organization.name"), x.get("org"));
  if (x.get("org").empty()) {
    EXPECT_EQ(at(e, p + ".as.organization"), nullptr);
  }
}

TEST(EnrichGeoip, AsnAnswersMatchExpectedLookups) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  // The ASN database alone, as `asn:`, turns the GeoIP step on.
  auto enricher = testing::make_enricher({}, dir / "test-data" / "GeoLite2-ASN-Test.mmdb");
  ASSERT_TRUE(enricher);
  EXPECT_TRUE(enricher->geoip_enabled());
  // The per-database section and the addresses seen in the shared logs.
  const auto expected = expected_for(dir, "GeoLite2-ASN-Test.mmdb");
  ASSERT_GE(expected.size(), 900u);
  for (const ExpectedLookup& x : expected) {
    SCOPED_TRACE("expected-lookups.txt:" + std::to_string(x.line) + " " + x.ip);
    Event e = event_with("source.ip", x.ip);
    const Value before = e.doc;
    enricher->enrich(e);
    if (!x.found) {
      EXPECT_EQ(e.doc, before);
      continue;
    }
    expect_asn(e, x, "source");
    EXPECT_EQ(at(e, "source.geo"), nullptr);
  }
  EXPECT_EQ(enricher->lookup_errors(), 0u);
}

TEST(EnrichGeoip, CityAndAsnTogetherOnBothDefaultFields) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  auto enricher = testing::make_enricher(dir / "test-data" / "GeoIP2-City-Test.mmdb",
                                         dir / "test-data" / "GeoLite2-ASN-Test.mmdb");
  ASSERT_TRUE(enricher);
  const auto city = expected_for(dir, "GeoIP2-City-Test.mmdb");
  const auto asn = expected_for(dir, "GeoLite2-ASN-Test.mmdb");
  const ExpectedLookup* city_hit = first_with(city, "city");
  const ExpectedLookup* asn_hit = first_with(asn, "org");
  ASSERT_TRUE(city_hit != nullptr && asn_hit != nullptr);
  Event e = event_with("source.ip", city_hit->ip);
  FieldPath("destination.ip").set(e.doc, asn_hit->ip);
  enricher->enrich(e);
  EXPECT_EQ(str_at(e, "source.geo.city_name"), city_hit->get("city"));
  expect_asn(e, *asn_hit, "destination");
}

}  // namespace
}  // namespace vigil
