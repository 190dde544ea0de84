// Values that must never raise an intel match whatever a feed says: by default
// the private, loopback, link-local, shared and documentation ranges (a feed
// listing 10.0.0.1 would otherwise flag half the internal traffic), plus
// configured IPs, CIDRs, domains (with their subdomains) and exact values.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/strings.h"
#include "intel/ip_prefix.h"
#include "intel/normalize.h"

namespace vigil::intel {

class Allowlist {
 public:
  // Empty: allows nothing.
  Allowlist() = default;
  // RFC 1918, 127/8, 169.254/16, 100.64/10, 0/8, TEST-NETs, ::1, fc00::/7,
  // fe80::/10, 2001:db8::/32.
  static Allowlist with_defaults();

  // An IP, a CIDR, a domain (covers its subdomains) or any other indicator value.
  Result<void> add(std::string_view value);
  // A normalized value (normalize.h); allocates nothing (it runs on every match).
  bool allows(IndicatorType type, std::string_view value) const;
  bool allows(const NormalizedValue& value) const { return allows(value.type, value.value); }
  bool allows_ip(const IpPrefix& address) const;
  size_t size() const { return ranges_.size() + domains_.size() + exact_.size(); }

 private:
  // Looked up by string_view without building a string.
  using Set = std::unordered_set<std::string, StringHash, std::equal_to<>>;
  std::vector<IpPrefix> ranges_;
  Set domains_;
  Set exact_;
};

}  // namespace vigil::intel
