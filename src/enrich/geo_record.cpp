#include "enrich/geo_record.h"

namespace vigil {
namespace {

Value* object_at(Value& doc, const FieldPath& path) {
  if (const Value* found = path.find(doc)) {
    // find() is const-only; `doc` is ours to modify.
    return found->is_object() ? const_cast<Value*>(found) : nullptr;
  }
  return &path.set(doc, Object{});
}

void set_if(Value& obj, const char* key, const std::string& s) {
  if (!s.empty()) obj.set(key, s);
}

}  // namespace

bool GeoRecord::has_geo() const {
  return !continent_code.empty() || !continent_name.empty() || !country_iso_code.empty() ||
         !country_name.empty() || !region_iso_code.empty() || !region_name.empty() ||
         !city_name.empty() || !postal_code.empty() || !timezone.empty() || (latitude && longitude);
}

bool GeoRecord::has_as() const {
  return as_number.has_value() || !as_organization.empty();
}

void GeoRecord::write_geo(Value& doc, const FieldPath& path) const {
  if (!has_geo()) return;
  Value* geo = object_at(doc, path);
  if (geo == nullptr) return;
  set_if(*geo, "continent_code", continent_code);
  set_if(*geo, "continent_name", continent_name);
  set_if(*geo, "country_iso_code", country_iso_code);
  set_if(*geo, "country_name", country_name);
  set_if(*geo, "region_iso_code", region_iso_code);
  set_if(*geo, "region_name", region_name);
  set_if(*geo, "city_name", city_name);
  set_if(*geo, "postal_code", postal_code);
  set_if(*geo, "timezone", timezone);
  if (latitude && longitude) geo->set("location", Object{{"lat", *latitude}, {"lon", *longitude}});
}

void GeoRecord::write_as(Value& doc, const FieldPath& path) const {
  if (!has_as()) return;
  Value* as = object_at(doc, path);
  if (as == nullptr) return;
  if (as_number) as->set("number", *as_number);
  if (!as_organization.empty()) as->set("organization", Object{{"name", as_organization}});
}

}  // namespace vigil
