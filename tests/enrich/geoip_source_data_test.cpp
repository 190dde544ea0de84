// Lookups checked against source-data/*.json, the JSON each MaxMind test
// database was built from: IPv6 networks (expected-lookups.txt lists IPv4
// only) and AS data carried inside a GeoIP2 Enterprise database.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>

#include "core/field_path.h"
#include "enrich/enricher.h"
#include "support/test_data.h"

namespace vigil {
namespace {

struct Network {
  std::string text;
  std::array<uint8_t, 16> addr{};  // IPv4 as ::a.b.c.d, as the tree stores it
  int prefix = 0;
  const nlohmann::json* record = nullptr;
};

// The source data lists each network once per record, the later one
// winning (GeoIP2-City-Test.json repeats ::216.160.83.56/125).
std::vector<Network> networks(const nlohmann::json& source) {
  std::vector<Network> out;
  for (const auto& entry : source) {
    for (const auto& [cidr, record] : entry.items()) {
      Network n;
      n.text = cidr;
      const std::string addr = cidr.substr(0, cidr.find('/'));
      n.prefix = std::stoi(cidr.substr(cidr.find('/') + 1));
      if (addr.find(':') == std::string::npos) {
        EXPECT_EQ(inet_pton(AF_INET, addr.c_str(), n.addr.data() + 12), 1) << cidr;
        n.prefix += 96;
      } else {
        EXPECT_EQ(inet_pton(AF_INET6, addr.c_str(), n.addr.data()), 1) << cidr;
      }
      n.record = &record;
      out.push_back(n);
    }
  }
  return out;
}

bool contains(const Network& n, const std::array<uint8_t, 16>& a) {
  for (int bit = 0; bit < n.prefix; ++bit) {
    const int byte = bit / 8;
    const int mask = 0x80 >> (bit % 8);
    if ((n.addr[byte] & mask) != (a[byte] & mask)) return false;
  }
  return true;
}

const Network* longest_match(const std::vector<Network>& all, const std::array<uint8_t, 16>& a) {
  const Network* best = nullptr;
  for (const Network& n : all) {
    if (contains(n, a) && (best == nullptr || n.prefix >= best->prefix)) best = &n;
  }
  return best;
}

std::string json_str(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->contains(key)) return {};
    cur = &(*cur)[key];
  }
  return cur->is_string() ? cur->get<std::string>() : std::string();
}

std::string str_at(const Value& doc, std::string_view path) {
  const Value* v = FieldPath(path).find(doc);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

nlohmann::json load(const std::filesystem::path& p) {
  return nlohmann::json::parse(testing::read_file(p));
}

TEST(EnrichGeoipSourceData, Ipv6NetworksOfTheCityDatabase) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  EnrichConfig config;
  config.geoip = (dir / "test-data" / "GeoIP2-City-Test.mmdb").string();
  auto enricher = Enricher::create(config);
  ASSERT_TRUE(enricher) << enricher.error().message;
  const nlohmann::json source = load(dir / "source-data" / "GeoIP2-City-Test.json");
  const auto all = networks(source);
  int checked = 0;
  for (const Network& n : all) {
    if (n.text.find('.') != std::string::npos) continue;  // IPv4: expected-lookups covers them
    char text[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, n.addr.data(), text, sizeof text), nullptr);
    const Network* owner = longest_match(all, n.addr);
    ASSERT_NE(owner, nullptr);
    const nlohmann::json& rec = *owner->record;
    Event e;
    e.doc = Object{{"source", Object{{"ip", text}}}};
    (*enricher)->enrich(e);
    SCOPED_TRACE(std::string(text) + " via " + owner->text);
    const std::string country = json_str(rec, {"country", "iso_code"});
    EXPECT_EQ(str_at(e.doc, "source.geo.country_iso_code"), country);
    EXPECT_EQ(str_at(e.doc, "source.geo.country_name"), json_str(rec, {"country", "names", "en"}));
    EXPECT_EQ(str_at(e.doc, "source.geo.city_name"), json_str(rec, {"city", "names", "en"}));
    EXPECT_EQ(str_at(e.doc, "source.geo.timezone"), json_str(rec, {"location", "time_zone"}));
    if (rec.contains("location") && rec["location"].contains("latitude")) {
      const Value* lat = FieldPath("source.geo.location.lat").find(e.doc);
      ASSERT_NE(lat, nullptr);
      EXPECT_DOUBLE_EQ(lat->number(), rec["location"]["latitude"].get<double>());
    }
    if (rec.contains("subdivisions") && !country.empty()) {
      const auto& last = rec["subdivisions"].back();
      EXPECT_EQ(str_at(e.doc, "source.geo.region_iso_code"),
                country + "-" + last["iso_code"].get<std::string>());
      EXPECT_EQ(str_at(e.doc, "source.geo.region_name"), json_str(last, {"names", "en"}));
    }
    ++checked;
  }
  EXPECT_GE(checked, 200);
}

TEST(EnrichGeoipSourceData, AsnFromTheEnterpriseDatabaseItself) {
  VIGIL_REQUIRE_DATA(dir, "geoip");
  EnrichConfig config;
  config.geoip = (dir / "test-data" / "GeoIP2-Enterprise-Test.mmdb").string();
  auto enricher = Enricher::create(config);
  ASSERT_TRUE(enricher) << enricher.error().message;
  const nlohmann::json source = load(dir / "source-data" / "GeoIP2-Enterprise-Test.json");
  const auto all = networks(source);
  int checked = 0;
  for (const Network& n : all) {
    const nlohmann::json& traits = (*n.record).value("traits", nlohmann::json::object());
    if (!traits.contains("autonomous_system_number")) continue;
    if (longest_match(all, n.addr) != &n) continue;  // shadowed by a longer prefix
    char text[INET6_ADDRSTRLEN];
    const bool v4 = n.text.find('.') != std::string::npos;
    ASSERT_NE(inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? n.addr.data() + 12 : n.addr.data(), text,
                        sizeof text),
              nullptr);
    Event e;
    e.doc = Object{{"destination", Object{{"ip", text}}}};
    (*enricher)->enrich(e);
    SCOPED_TRACE(n.text);
    const Value* number = FieldPath("destination.as.number").find(e.doc);
    ASSERT_NE(number, nullptr);
    EXPECT_EQ(number->number(), traits["autonomous_system_number"].get<double>());
    EXPECT_EQ(str_at(e.doc, "destination.as.organization.name"),
              traits.value("autonomous_system_organization", std::string()));
    EXPECT_EQ(str_at(e.doc, "destination.geo.country_iso_code"),
              json_str(*n.record, {"country", "iso_code"}));
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace vigil
