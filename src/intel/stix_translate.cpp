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

// What a comparison's object path names: nothing vigil can match, an
// indicator of a known type, or an address whose type the value tells (an IP
// or CIDR, a referenced host). A plain struct rather than
// optional<optional<...>>, which GCC 12 -O3 misreads as maybe-uninitialized.
struct ObservableKind {
  bool matchable = false;
  std::optional<IndicatorType> type = std::nullopt;  // nullopt: infer from the value
};

constexpr ObservableKind kNotMatchable{};
constexpr ObservableKind kInferred{true, std::nullopt};
constexpr ObservableKind of_type(IndicatorType t) {
  return {true, t};
}

ObservableKind observable_kind(const StixComparison& c) {
  const std::string& t = c.object_type;
  const std::string& p = c.property;
  if (p == "value") {
    if (t == "ipv4-addr" || t == "ipv6-addr") return kInferred;
    if (t == "domain-name") return of_type(IndicatorType::kDomain);
    if (t == "url") return of_type(IndicatorType::kUrl);
    if (t == "email-addr") return of_type(IndicatorType::kEmail);
    return kNotMatchable;
  }
  if ((t == "file" || t == "artifact") && p.starts_with("hashes.")) {
    if (auto h = hash_type(std::string_view(p).substr(7))) return of_type(*h);
    return kNotMatchable;
  }
  if (t == "domain-name" && p == "resolves_to_refs[*].value") return kInferred;
  if (t == "email-message" && (p == "from_ref.value" || p == "sender_ref.value")) {
    return of_type(IndicatorType::kEmail);
  }
  if (t == "network-traffic" && (p == "dst_ref.value" || p == "src_ref.value")) return kInferred;
  return kNotMatchable;
}

}  // namespace

std::vector<StixObservable> translate_stix_pattern(const StixPattern& pattern) {
  std::vector<StixObservable> out;
  for (const StixComparison& c : pattern.comparisons) {
    if (c.negated || (c.op != "=" && c.op != "IN")) continue;
    const ObservableKind kind = observable_kind(c);
    if (!kind.matchable) continue;
    for (const std::string& v : c.values) {
      // Real feeds put addresses in domain-name values (Amnesty's NoviSpy
      // bundle does): the value says what it is.
      const bool ip_as_domain =
          kind.type == IndicatorType::kDomain && IpPrefix::parse(v).has_value();
      out.push_back({v, ip_as_domain ? std::nullopt : kind.type});
    }
  }
  return out;
}

}  // namespace vigil::intel
