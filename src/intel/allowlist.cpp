#include "intel/allowlist.h"

#include <fmt/format.h>

#include <array>

namespace vigil::intel {

Allowlist Allowlist::with_defaults() {
  static constexpr std::array<std::string_view, 15> kReserved = {
      "10.0.0.0/8",    "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",     "169.254.0.0/16",
      "100.64.0.0/10", "0.0.0.0/8",     "192.0.2.0/24",   "198.51.100.0/24", "203.0.113.0/24",
      "::1/128",       "fc00::/7",      "fe80::/10",      "2001:db8::/32",   "::/128"};
  Allowlist a;
  for (std::string_view r : kReserved) a.ranges_.push_back(*IpPrefix::parse(r));
  return a;
}

Result<void> Allowlist::add(std::string_view value) {
  auto v = normalize_indicator(value);
  if (!v) return make_error(ErrorCode::kConfig, fmt::format("allowlist: {}", v.error().message));
  switch (v->type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr:
      ranges_.push_back(*IpPrefix::parse(v->value));
      break;
    case IndicatorType::kDomain:
      domains_.insert(v->value);
      break;
    default:
      exact_.insert(v->value);
  }
  return {};
}

bool Allowlist::allows_ip(const IpPrefix& address) const {
  for (const IpPrefix& r : ranges_) {
    if (r.contains(address)) return true;
  }
  return false;
}

bool Allowlist::allows(IndicatorType type, std::string_view value) const {
  switch (type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr: {
      const auto p = IpPrefix::parse(value);
      return p && allows_ip(*p);
    }
    case IndicatorType::kDomain: {
      if (domains_.empty()) return false;
      std::string_view name = value;
      for (;;) {
        if (domains_.contains(name)) return true;
        const size_t dot = name.find('.');
        if (dot == std::string_view::npos) return false;
        name.remove_prefix(dot + 1);
      }
    }
    default:
      return !exact_.empty() && exact_.contains(value);
  }
}

}  // namespace vigil::intel
