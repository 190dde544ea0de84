// What the GeoIP and ASN databases know about one address, and how that
// becomes ECS fields next to the address (source.ip -> source.geo, source.as).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/field_path.h"
#include "core/value.h"

namespace vigil {

struct GeoRecord {
  // Empty strings are "unknown" and are not written.
  std::string continent_code;
  std::string continent_name;
  std::string country_iso_code;
  std::string country_name;
  std::string region_iso_code;  // ECS form "GB-WBK": country + most specific subdivision
  std::string region_name;
  std::string city_name;
  std::string postal_code;
  std::string timezone;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<uint64_t> as_number;
  std::string as_organization;

  bool has_geo() const;
  bool has_as() const;
  // Set the known fields inside the object at `path` (<parent>.geo or
  // <parent>.as), creating it when absent and keeping what else it holds. A
  // path that already holds a non-object is left alone: enrichment never
  // overwrites event data.
  void write_geo(Value& doc, const FieldPath& path) const;
  void write_as(Value& doc, const FieldPath& path) const;
};

}  // namespace vigil
