#include "intel/stix_translate.h"

#include "core/strings.h"
#include "intel/ip_prefix.h"

namespace vigil::intel {
namespace {

std::optional<IndicatorType> hash_type(std::string_view algorithm) {
  const std::string a = ascii_lower(algorithm);
  if (a == "md5") return IndicatorType::kMd5;
  if (a == "sha-1" || a == "sha1") return IndicatorType::kSha1;
  if (a == "sha-256" || a == "sha256") return IndicatorType::kSha256;
  if (a == "sha-512" || a == "sha512") return IndicatorType::kSha512;
  return std::nullopt;
}

// Whether the comparison names an observable vigil can match, and as what
// (nullopt inside: infer from the value, e.g. an IP or CIDR, a referenced host).
std::optional<std::optional<IndicatorType>> observable_type(const StixComparison& c) {
  const std::string& t = c.object_type;
  const std::string& p = c.property;
  if (p == "value") {
    if (t == "ipv4-addr" || t == "ipv6-addr") return std::optional<IndicatorType>();
    if (t == "domain-name") return std::optional(IndicatorType::kDomain);
    if (t == "url") return std::optional(IndicatorType::kUrl);
    if (t == "email-addr") return std::optional(IndicatorType::kEmail);
    return std::nullopt;
  }
  if ((t == "file" || t == "artifact") && p.starts_with("hashes.")) {
    if (auto h = hash_type(std::string_view(p).substr(7))) return std::optional(*h);
    return std::nullopt;
  }
  if (t == "domain-name" && p == "resolves_to_refs[*].value") return std::optional<IndicatorType>();
  if (t == "email-message" && (p == "from_ref.value" || p == "sender_ref.value")) {
    return std::optional(IndicatorType::kEmail);
  }
  if (t == "network-traffic" && (p == "dst_ref.value" || p == "src_ref.value")) {
    return std::optional<IndicatorType>();
  }
  return std::nullopt;
}

}  // namespace

std::vector<StixObservable> translate_stix_pattern(const StixPattern& pattern) {
  std::vector<StixObservable> out;
  for (const StixComparison& c : pattern.comparisons) {
    if (c.negated || (c.op != "=" && c.op != "IN")) continue;
    const auto type = observable_type(c);
    if (!type) continue;
    for (const std::string& v : c.values) {
      // Real feeds put addresses in domain-name values (Amnesty's NoviSpy
      // bundle does): the value says what it is.
      const bool ip_as_domain = *type == IndicatorType::kDomain && IpPrefix::parse(v).has_value();
      out.push_back({v, ip_as_domain ? std::nullopt : *type});
    }
  }
  return out;
}

}  // namespace vigil::intel
