// IP anonymization by prefix: keeps the network part, zeroes the host part
// ("203.0.113.77" -> "203.0.113.0" with /24, "2001:db8:1:2::5" ->
// "2001:db8:1::" with /48), so stored data still shows which network a
// request came from without naming the host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace vigil::sanitize_detail {

class IpAnonymizer {
 public:
  static Result<IpAnonymizer> create(int ipv4_prefix, int ipv6_prefix);

  // Appends the anonymized form of `ip` to `out`; false (and `out` untouched)
  // when `ip` is not exactly an IPv4 or IPv6 address.
  bool append(std::string_view ip, std::string& out) const;
  // `ip` anonymized, or unchanged when it is not an IP address.
  std::string anonymize(std::string_view ip) const;

 private:
  IpAnonymizer(int v4, int v6) : v4_prefix_(v4), v6_prefix_(v6) {}
  bool append_v4(std::string_view ip, std::string& out) const;
  bool append_v6(std::string_view ip, std::string& out) const;

  int v4_prefix_;
  int v6_prefix_;
};

}  // namespace vigil::sanitize_detail
