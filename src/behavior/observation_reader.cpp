#include "behavior/observation_reader.h"

#include <xxhash.h>

#include <cstring>

#include "core/entity.h"
#include "core/ip_text.h"

namespace vigil::behavior {
namespace {

std::optional<double> number_of(const Value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return v->number();
  if (v->is_string()) {
    const std::string& s = v->as_string();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0') return d;
  }
  return std::nullopt;
}

}  // namespace

std::string hashed_value(char tag, std::string_view value) {
  // "r:" and 16 hex digits, written by hand: fmt's parsing showed in profiles.
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = XXH3_64bits(value.data(), value.size());
  std::string out(18, '0');
  out[0] = tag;
  out[1] = ':';
  for (size_t i = 17; i >= 2; --i, h >>= 4) out[i] = kHex[h & 15];
  return out;
}

namespace {

// The /24 (IPv4) or /48 (IPv6) network an address is in, as text: once per
// event, by hand (inet_ntop and fmt were ~2.6 k instructions an IPv6 event).
std::string network_text(const IpBits& address) {
  char text[kMaxIpText + 4];
  char* end = address.v6 ? write_ipv6_text(address.bits() & ~((Ipv6Bits{1} << 80) - 1), text)
                         : write_ipv4_text(static_cast<uint32_t>(address.low) & 0xffffff00u, text);
  const std::string_view suffix = address.v6 ? "/48" : "/24";
  std::memcpy(end, suffix.data(), suffix.size());
  return std::string(text, static_cast<size_t>(end - text) + suffix.size());
}

}  // namespace

std::string network_of(std::string_view ip) {
  const auto address = parse_ip(ip);
  return address ? network_text(*address) : std::string();
}

ObservationReader::ObservationReader(const BehaviorConfig& config,
                                     std::shared_ptr<const DeviceParser> devices)
    : entity_(paths_.add(canonical::entity_path(config.entity))),
      event_type_(paths_.add(canonical::kEventType)),
      resource_(paths_.add(canonical::kResource)),
      bytes_(paths_.add(canonical::kBytes)),
      source_ip_(paths_.add(canonical::kSourceIp)),
      country_(paths_.add("source.geo.country_iso_code")),
      city_(paths_.add("source.geo.city_name")),
      lat_(paths_.add("source.geo.location.lat")),
      lon_(paths_.add("source.geo.location.lon")),
      as_number_(paths_.add("source.as.number")),
      as_org_(paths_.add("source.as.organization.name")),
      devices_(std::move(devices)) {
  for (const auto& f : config.device_fields) device_ids_.push_back(paths_.add(f));
  for (const auto& f : config.user_agent_fields) user_agents_.push_back(paths_.add(f));
}

std::optional<Observation> ObservationReader::read(const Event& event,
                                                   const EventFields& fields) const {
  const Value* entity = fields.find(entity_);
  if (entity == nullptr) return std::nullopt;
  Observation o;
  if (entity->is_string()) {
    o.entity = entity->as_string();
  } else if (entity->kind() == Value::Kind::kInt || entity->kind() == Value::Kind::kUint) {
    o.entity = entity->kind() == Value::Kind::kInt ? std::to_string(entity->as_int())
                                                   : std::to_string(entity->as_uint());
  }
  if (o.entity.empty()) return std::nullopt;
  o.time_s = event.time.seconds();
  o.hour_of_week = hour_of_week(o.time_s);
  if (const auto* t = fields.string_at(event_type_)) o.event_type = *t;
  if (const auto* r = fields.string_at(resource_)) {
    o.resource = hashed_value('r', *r);
    o.resource_name = *r;
  }
  if (auto b = number_of(fields.find(bytes_)); b && *b >= 0) o.bytes = *b;
  read_place(fields, o);
  read_device(fields, o);
  return o;
}

void ObservationReader::read_place(const EventFields& fields, Observation& o) const {
  if (const auto* c = fields.string_at(country_)) o.country = *c;
  if (const auto* city = fields.string_at(city_))
    o.city = o.country.empty() ? *city : *city + ", " + o.country;
  auto lat = number_of(fields.find(lat_));
  auto lon = number_of(fields.find(lon_));
  if (lat && lon) o.point = GeoPoint{*lat, *lon};
  if (auto n = number_of(fields.find(as_number_))) {
    const auto* org = fields.string_at(as_org_);
    o.asn = "AS" + std::to_string(static_cast<int64_t>(*n));
    if (org) (o.asn += ' ') += *org;
  }
  if (const auto* ip = fields.string_at(source_ip_)) o.network = network_of(*ip);
}

void ObservationReader::read_device(const EventFields& fields, Observation& o) const {
  for (const auto& f : device_ids_) {
    if (const auto* id = fields.string_at(f)) {
      o.device = hashed_value('d', *id);
      return;
    }
  }
  if (!devices_) return;
  for (const auto& f : user_agents_) {
    if (const auto* ua = fields.string_at(f)) {
      o.device = devices_->label(*ua);
      return;
    }
  }
}

}  // namespace vigil::behavior
