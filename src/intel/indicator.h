// One threat-intelligence indicator as a feed gives it, after normalization,
// and the names of its types. The store keeps one Indicator per (source,
// type, value): the same value listed by two feeds is two indicators.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/severity.h"
#include "core/timestamp.h"

namespace vigil::intel {

enum class IndicatorType : uint8_t {
  kIpv4,
  kIpv6,
  kCidr,  // either family; the value says which
  kDomain,
  kUrl,
  kMd5,
  kSha1,
  kSha256,
  kSha512,
  kEmail,
};
inline constexpr int kIndicatorTypeCount = 10;

// "ipv4", "ipv6", "cidr", "domain", "url", "md5", "sha1", "sha256", "sha512", "email".
std::string_view to_string(IndicatorType type);
std::optional<IndicatorType> parse_indicator_type(std::string_view name);
bool is_hash(IndicatorType type);

// One indicator within a source: its type and value (normalized).
using IndicatorKey = std::pair<IndicatorType, std::string>;
struct IndicatorKeyHash {
  size_t operator()(const IndicatorKey& key) const {
    return std::hash<std::string>{}(key.second) ^ static_cast<size_t>(key.first);
  }
};
// Where each (type, value) sits in a list of indicators (upserts and merges).
using IndicatorPositions = std::unordered_map<IndicatorKey, size_t, IndicatorKeyHash>;

struct Indicator {
  std::string value;  // normalized (normalize.h): what lookups compare against
  IndicatorType type = IndicatorType::kIpv4;
  bool include_subdomains = false;  // domains only: also match every subdomain
  std::string source;
  Severity severity = Severity::kMedium;
  int confidence = 50;  // 0..100
  Timestamp first_seen;
  Timestamp last_seen;
  // Never matches at or after this instant. Zero until the importer applies the
  // feed's expiry or the per-type default lifetime (lifetimes.h).
  Timestamp valid_until;
  std::vector<std::string> tags;
  std::string description;
  std::string reference;
};

}  // namespace vigil::intel
