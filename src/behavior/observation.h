// What the behaviour detector reads from one enriched event: who, when,
// from where, on what device, doing what, moving how much data. Values that
// identify a person or a network are kept only in hashed or coarse form
// (resource hash, /24 or /48 network), so baselines at rest hold no raw
// identifiers beyond country, city, AS and device families.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil::behavior {

struct GeoPoint {
  double lat = 0;
  double lon = 0;
};

struct Observation {
  std::string entity;    // raw entity key (user name, host, source IP)
  int64_t time_s = 0;    // event time
  int hour_of_week = 0;  // 0 = Monday 00:00-01:00 UTC
  std::string event_type;
  std::string resource;       // "r:" + XXH3 hex of the resource name; empty = none
  std::string resource_name;  // raw, for explanations only (never learned or stored)
  std::string device;         // "Firefox/Windows", "id:<hash>"; empty = none
  std::string country;        // ISO code; empty without GeoIP
  std::string city;           // "London, GB"
  std::string asn;            // "AS1221 Telstra"
  std::string network;        // "203.0.113.0/24" (location stand-in without GeoIP)
  std::optional<GeoPoint> point;
  std::optional<double> bytes;

  // Where the event came from, as coarse as baselines learn it: the country
  // with GeoIP, else the network.
  const std::string& place() const { return country.empty() ? network : country; }
};

// Great-circle distance (haversine, mean Earth radius 6371.0088 km).
double distance_km(GeoPoint a, GeoPoint b);
// 0..167 from epoch seconds, weeks starting Monday 00:00 UTC.
int hour_of_week(int64_t epoch_s);

}  // namespace vigil::behavior
