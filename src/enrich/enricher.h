// The enrichment stage: adds context to each event from local data, reading
// raw (unsanitized) values. It offers
//   * GeoIP: for each configured IP field (default source.ip, destination.ip)
//     the ECS fields next to it, from a MaxMind-format database (City,
//     Country, Enterprise): <parent>.geo.{continent_code, continent_name,
//     country_iso_code, country_name, region_iso_code, region_name,
//     city_name, postal_code, timezone, location{lat, lon}}, all in English;
//     and <parent>.as.{number, organization.name} from an ASN database (or
//     from the GeoIP database when it carries autonomous_system_number).
//   * lookup tables: CSV rows matched on an event field, added at a target.
// Everything is loaded and verified by create(); a corrupt database or a
// broken table stops start-up with an error naming the file (and line).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/event.h"
#include "core/field_path.h"

namespace vigil {

class MmdbReader;
class LookupTable;

class Enricher {
 public:
  // Opens the GeoIP/ASN databases (each verified end to end first) and loads
  // the lookup tables. Without `geoip` and `asn` the GeoIP step is off and
  // costs nothing per event.
  static Result<std::unique_ptr<Enricher>> create(const EnrichConfig& config);
  ~Enricher();

  // Adds enrichment fields. An IP field that is absent, not a string, not an
  // IP address, or not in the databases leaves the event unchanged. Existing
  // non-object values on the way are never overwritten. Thread-safe: const,
  // and the databases are read-only.
  void enrich(Event& event) const;

  bool geoip_enabled() const { return geo_db_ != nullptr || asn_db_ != nullptr; }
  // Lookups the database library failed on (expected to stay 0).
  uint64_t lookup_errors() const;

 private:
  struct IpField {
    FieldPath ip;
    FieldPath geo;  // <parent>.geo
    FieldPath as;   // <parent>.as
  };

  Enricher();
  void enrich_ip(Value& doc, const IpField& field) const;

  std::unique_ptr<MmdbReader> geo_db_;
  std::unique_ptr<MmdbReader> asn_db_;
  std::vector<IpField> ip_fields_;
  std::vector<LookupTable> lookups_;
};

}  // namespace vigil
