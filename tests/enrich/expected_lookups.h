// Reads ../shared/data/geoip/expected-lookups.txt, the known answers for the
// MaxMind test databases (derived from their source JSON, cross-checked with
// python3-maxminddb), so tests take their expectations from the data set
// instead of hard-coding them.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace vigil::testing {

struct ExpectedLookup {
  size_t line = 0;
  std::string db;  // file name, e.g. "GeoIP2-City-Test.mmdb"
  std::string ip;
  bool found = false;
  // e.g. country=GB city=London subdivisions=ENG lat=51.5142 asn=1221
  // org=Telstra Pty Ltd; "-" and "None" mean the record lacks the field.
  std::map<std::string, std::string> fields;

  // The value, or "" when absent, "-" or "None".
  std::string get(const std::string& key) const;
};

std::vector<ExpectedLookup> parse_expected_lookups(const std::string& text);

}  // namespace vigil::testing
