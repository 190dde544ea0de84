#include "enrich/enricher.h"

#include <fmt/core.h>

#include "enrich/ip_address.h"
#include "enrich/lookup_table.h"
#include "enrich/mmdb_reader.h"

namespace vigil {
namespace {

Result<std::unique_ptr<MmdbReader>> open_db(const std::string& path, const char* key) {
  auto db = MmdbReader::open(path);
  if (!db)
    return make_error(db.error().code, fmt::format("enrich.{}: {}", key, db.error().message));
  return db;
}

}  // namespace

Enricher::Enricher() = default;
Enricher::~Enricher() = default;

Result<std::unique_ptr<Enricher>> Enricher::create(const EnrichConfig& config) {
  std::unique_ptr<Enricher> e(new Enricher);
  if (!config.geoip.empty()) {
    auto db = open_db(config.geoip, "geoip");
    if (!db) return tl::unexpected(db.error());
    e->geo_db_ = std::move(*db);
  }
  if (!config.asn.empty()) {
    auto db = open_db(config.asn, "asn");
    if (!db) return tl::unexpected(db.error());
    e->asn_db_ = std::move(*db);
  }
  if (e->geoip_enabled()) {
    for (const std::string& path : config.ip_fields) {
      // ECS puts geo data beside the address (source.ip -> source.geo), so
      // the address needs a parent object.
      const size_t dot = path.rfind('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == path.size() ||
          path.find("..") != std::string::npos) {
        return make_error(ErrorCode::kConfig,
                          fmt::format("enrich.ip_fields: '{}' must be a nested path like "
                                      "'client.ip' (geo fields go next to it: client.geo)",
                                      path));
      }
      const std::string parent = path.substr(0, dot);
      e->ip_fields_.push_back(
          {FieldPath(path), FieldPath(parent + ".geo"), FieldPath(parent + ".as")});
    }
  }
  for (const LookupTableConfig& table : config.lookups) {
    auto loaded = LookupTable::load(table);
    if (!loaded) return tl::unexpected(loaded.error());
    e->lookups_.push_back(std::move(*loaded));
  }
  return e;
}

void Enricher::enrich(Event& event) const {
  if (!event.doc.is_object()) return;
  for (const IpField& field : ip_fields_) enrich_ip(event.doc, field);
  for (const LookupTable& table : lookups_) table.apply(event.doc);
}

void Enricher::enrich_ip(Value& doc, const IpField& field) const {
  const Value* value = field.ip.find(doc);
  if (value == nullptr || !value->is_string()) return;
  const auto ip = IpAddress::parse(value->as_string());
  if (!ip) return;
  const auto geo = geo_db_ ? geo_db_->lookup(*ip) : nullptr;
  const auto asn = asn_db_ ? asn_db_->lookup(*ip) : nullptr;
  if (geo) geo->write_geo(doc, field.geo);
  // A dedicated ASN database is the better source for AS data; number and
  // name always come from the same record.
  const GeoRecord* as = asn && asn->has_as() ? asn.get() : geo.get();
  if (as != nullptr) as->write_as(doc, field.as);
}

uint64_t Enricher::lookup_errors() const {
  return (geo_db_ ? geo_db_->lookup_errors() : 0) + (asn_db_ ? asn_db_->lookup_errors() : 0);
}

}  // namespace vigil
