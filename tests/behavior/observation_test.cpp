// Time and distance helpers, and what the reader takes from an event.
#include "behavior/observation.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>

#include "behavior/observation_reader.h"
#include "core/timestamp.h"
#include "enrich/ip_address.h"

namespace vigil::behavior {
namespace {

int64_t at(const char* iso) {
  return parse_iso8601(iso)->seconds();
}

TEST(HourOfWeek, CountsFromMondayMidnightUtc) {
  EXPECT_EQ(hour_of_week(at("2024-01-01T00:00:00Z")), 0);  // a Monday
  EXPECT_EQ(hour_of_week(at("2024-01-03T10:30:00Z")), 2 * 24 + 10);
  EXPECT_EQ(hour_of_week(at("2024-01-07T23:59:59Z")), 167);
  EXPECT_EQ(hour_of_week(at("2024-01-08T00:00:00Z")), 0);
  EXPECT_EQ(hour_of_week(at("1969-12-29T05:00:00Z")), 5);  // before the epoch: still a Monday
}

TEST(DistanceKm, MatchesPublishedGreatCircleDistances) {
  // Paris - New York is 5,837 km on the great circle; London - Sydney 16,990 km.
  EXPECT_NEAR(distance_km({48.8566, 2.3522}, {40.7128, -74.0060}), 5837, 10);
  EXPECT_NEAR(distance_km({51.5074, -0.1278}, {-33.8688, 151.2093}), 16990, 20);
  EXPECT_DOUBLE_EQ(distance_km({10, 20}, {10, 20}), 0);
}

TEST(NetworkOf, KeepsTheSlash24OrSlash48) {
  EXPECT_EQ(network_of("203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(network_of("2001:db8:1:2::5"), "2001:db8:1::/48");
  EXPECT_EQ(network_of("not-an-ip"), "");
}

// The /48 is written by hand: the same text as inet_ntop's, zero groups
// anywhere in the first three included.
TEST(NetworkOf, WritesTheSlash48AsInetNtop) {
  std::mt19937 rng(48);
  for (int round = 0; round < 20000; ++round) {
    std::array<uint8_t, 16> bytes{};
    for (size_t g = 0; g < 8; ++g) {
      // Each group zero, small or any, so that runs of zero groups are common.
      const uint32_t kind = rng() % 3, value = kind == 0 ? 0 : kind == 1 ? rng() % 16 : rng();
      bytes[2 * g] = static_cast<uint8_t>(value >> 8);
      bytes[2 * g + 1] = static_cast<uint8_t>(value);
    }
    if (bytes[0] == 0 && bytes[1] == 0 && rng() % 2 == 0) continue;  // fewer ::ffff:a.b.c.d
    char text[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, bytes.data(), text, sizeof text), nullptr);
    const auto parsed = IpAddress::parse(text);
    ASSERT_TRUE(parsed) << text;
    if (!parsed->v6) continue;  // IPv4-mapped: the /24
    std::fill(bytes.begin() + 6, bytes.end(), 0);
    char network[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, bytes.data(), network, sizeof network);
    EXPECT_EQ(network_of(text), std::string(network) + "/48") << text;
  }
  EXPECT_EQ(network_of("::1"), "::/48");
  EXPECT_EQ(network_of("2001::5"), "2001::/48");
  EXPECT_EQ(network_of("0:0:1:2::"), "0:0:1::/48");
}

TEST(ObservationReader, ReadsEntityPlaceResourceVolumeAndDeviceId) {
  BehaviorConfig config;
  ObservationReader reader(config, nullptr);
  Event e;
  e.time = *parse_iso8601("2024-01-02T09:15:00Z");
  e.doc =
      Object{{"user", Object{{"name", "alice"}}},
             {"event", Object{{"action", "data_access"}}},
             {"resource", Object{{"name", "/finance/q3.xlsx"}}},
             {"data_volume", Object{{"bytes", "2048"}}},
             {"device_id", "LAPTOP-42"},
             {"source",
              Object{{"ip", "81.2.69.142"},
                     {"geo", Object{{"country_iso_code", "GB"},
                                    {"city_name", "London"},
                                    {"location", Object{{"lat", 51.5142}, {"lon", -0.0931}}}}},
                     {"as", Object{{"number", 1221}, {"organization", Object{{"name", "Tel"}}}}}}}};
  auto o = reader.read(e);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->entity, "alice");
  EXPECT_EQ(o->hour_of_week, 24 + 9);
  EXPECT_EQ(o->event_type, "data_access");
  EXPECT_EQ(o->resource, hashed_value('r', "/finance/q3.xlsx"));
  EXPECT_EQ(o->resource_name, "/finance/q3.xlsx");
  ASSERT_TRUE(o->bytes);
  EXPECT_EQ(*o->bytes, 2048);
  EXPECT_EQ(o->device, hashed_value('d', "LAPTOP-42"));
  EXPECT_EQ(o->country, "GB");
  EXPECT_EQ(o->city, "London, GB");
  EXPECT_EQ(o->asn, "AS1221 Tel");
  EXPECT_EQ(o->network, "81.2.69.0/24");
  ASSERT_TRUE(o->point);
  EXPECT_DOUBLE_EQ(o->point->lat, 51.5142);

  e.doc = Object{{"event", Object{{"action", "login"}}}};
  EXPECT_FALSE(reader.read(e)) << "no user: nothing to learn";
}

// Shippers send GeoIP fields nested, as flat dotted keys, or both; the
// reader resolves each as FieldPath::find does (nested first, then the
// whole dotted key; a partly flat key such as "source.geo" is not a path).
TEST(ObservationReader, ReadsGeoFieldsNestedFlatOrMixed) {
  BehaviorConfig config;
  ObservationReader reader(config, nullptr);
  Event e;
  e.time = *parse_iso8601("2024-01-02T09:15:00Z");
  e.doc = Object{{"user", Object{{"name", "bob"}}},
                 {"source", Object{{"ip", "81.2.69.142"}, {"geo", Object{{"city_name", "Paris"}}}}},
                 {"source.geo.country_iso_code", "FR"},
                 {"source.geo.city_name", "Lyon"},
                 {"source.as.number", 3215},
                 {"source.as.organization.name", "Orange"}};
  auto o = reader.read(e);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->country, "FR") << "flat key where the nested one is missing";
  EXPECT_EQ(o->city, "Paris, FR") << "the nested value before the flat one";
  EXPECT_EQ(o->asn, "AS3215 Orange") << "no source.as object: flat keys";
  EXPECT_FALSE(o->point);

  e.doc = Object{{"user", Object{{"name", "bob"}}},
                 {"source.geo", Object{{"country_iso_code", "DE"}}},
                 {"source", Object{{"ip", "2001:db8:1:2::7"}}}};
  o = reader.read(e);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->country, "") << "\"source.geo\" is a flat key, not the path's prefix";
  EXPECT_EQ(o->network, "2001:db8:1::/48");
  EXPECT_EQ(o->asn, "");

  e.doc = Object{{"user", Object{{"name", "bob"}}}, {"source", "81.2.69.142"}};
  o = reader.read(e);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->country, "") << "a scalar source holds no fields";
  EXPECT_EQ(o->network, "");
}

// EventFields finds the paths of a FieldPathSet in one walk: each lookup is
// FieldPath::find's, on events with and without dotted keys, past the
// paths it keeps inline too.
TEST(EventFields, FindsWhatFieldPathFinds) {
  const Value nested = Object{{"user", Object{{"name", "carol"}}}, {"source", "10.0.0.1"}};
  const Value flat = Object{{"user", Object{{"id", "u7"}}},
                            {"user.name", "dave"},
                            {"device.id", "D-1"},
                            {"device", Object{{"id", "D-2"}}}};
  Object many{{"user", "erin"}};
  for (int i = 0; i < 12; ++i) many.emplace_back("k" + std::to_string(i) + ".x", i);
  many.emplace_back("user.name", "frank");
  many.emplace_back("user.name", "not the first");
  const Value crowded = std::move(many);

  FieldPathSet paths;
  const FieldId name = paths.add("user.name"), device = paths.add("device.id");
  const FieldId ip = paths.add("source.ip");
  EXPECT_EQ(EventFields(paths, nested).find(name)->as_string(), "carol");
  EXPECT_EQ(EventFields(paths, flat).find(name)->as_string(), "dave") << "the flat dotted key";
  EXPECT_EQ(EventFields(paths, flat).find(device)->as_string(), "D-2") << "nested before flat";
  EXPECT_EQ(EventFields(paths, nested).find(ip), nullptr) << "a scalar on the way";
  EXPECT_EQ(EventFields(paths, crowded).find(name)->as_string(), "frank") << "the first key";
  EXPECT_EQ(EventFields(paths, flat).string_at(ip), nullptr);
  EXPECT_EQ(*EventFields(paths, flat).string_at(name), "dave");

  std::vector<std::string> dotted = {"user",   "user.name", "user.id",        "device.id",
                                     "device", "source",    "source.ip",      "nothing.here",
                                     "k3.x",   "k11.x",     "user.name.first"};
  // Past the 32 values EventFields holds inline.
  for (int i = 0; i < 30; ++i)
    dotted.push_back("k" + std::to_string(i % 14) + ".x.y" + std::to_string(i));
  dotted.push_back("k5.x");
  for (const auto& d : dotted) paths.add(d);
  ASSERT_GT(paths.size(), 32u);
  for (const Value* doc : {&nested, &flat, &crowded}) {
    const EventFields fields(paths, *doc);
    for (const auto& d : dotted) {
      EXPECT_EQ(fields.find(paths.add(d)), FieldPath(d).find(*doc)) << d;
    }
  }
}

// A reader's added paths are found in the same walk as its own.
TEST(ObservationReader, FieldsOfHoldAddedPaths) {
  ObservationReader reader(BehaviorConfig{}, nullptr);
  const FieldId outcome = reader.add_path("event.outcome");
  const FieldId ip = reader.add_path("source.ip");
  Event e;
  e.doc = Object{{"user", Object{{"name", "alice"}}},
                 {"event.outcome", "failure"},
                 {"source", Object{{"ip", "203.0.113.9"}}}};
  const EventFields fields = reader.fields_of(e.doc);
  EXPECT_EQ(*fields.string_at(outcome), "failure");
  EXPECT_EQ(*fields.string_at(ip), "203.0.113.9");
  const auto o = reader.read(e, fields);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->entity, "alice");
  EXPECT_EQ(o->network, "203.0.113.0/24");
}

TEST(ObservationReader, EntityCanBeTheHost) {
  BehaviorConfig config;
  config.entity = "host";
  ObservationReader reader(config, nullptr);
  Event e;
  e.doc = Object{{"user", Object{{"name", "alice"}}}, {"host", Object{{"name", "web-1"}}}};
  auto o = reader.read(e);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->entity, "web-1");
}

}  // namespace
}  // namespace vigil::behavior
