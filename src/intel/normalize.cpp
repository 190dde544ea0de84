#include "intel/normalize.h"

#include <fmt/format.h>

#include "core/strings.h"
#include "intel/ip_prefix.h"
#include "intel/url_normalizer.h"

namespace vigil::intel {
namespace {

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return !s.empty();
}

std::optional<IndicatorType> hash_type_for_length(size_t n) {
  switch (n) {
    case 32:
      return IndicatorType::kMd5;
    case 40:
      return IndicatorType::kSha1;
    case 64:
      return IndicatorType::kSha256;
    case 128:
      return IndicatorType::kSha512;
    default:
      return std::nullopt;
  }
}

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

Result<NormalizedValue> normalize_ip(std::string_view v) {
  auto p = IpPrefix::parse(v);
  if (!p)
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("'{}' is not an IP address or CIDR", v));
  const IndicatorType type = !p->is_host() ? IndicatorType::kCidr
                             : p->v6       ? IndicatorType::kIpv6
                                           : IndicatorType::kIpv4;
  return NormalizedValue{type, p->to_string()};
}

Result<NormalizedValue> normalize_domain_indicator(std::string_view v) {
  bool subdomains = false;
  if (v.starts_with("*.")) {
    v.remove_prefix(2);
    subdomains = true;
  } else if (v.starts_with('.')) {
    v.remove_prefix(1);
    subdomains = true;
  }
  auto d = normalize_domain(v);
  if (!d) return make_error(ErrorCode::kInvalidInput, fmt::format("'{}' is not a domain name", v));
  return NormalizedValue{IndicatorType::kDomain, std::move(*d), subdomains};
}

Result<NormalizedValue> normalize_email(std::string_view v) {
  const size_t at = v.find('@');
  if (at == 0 || at == std::string_view::npos ||
      v.find_first_of(" \t<>") != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("'{}' is not an e-mail address", v));
  }
  auto domain = normalize_domain(v.substr(at + 1));
  if (!domain)
    return make_error(ErrorCode::kInvalidInput, fmt::format("'{}' has no valid domain", v));
  // Local parts are case-sensitive in theory; no mail system in use treats them so.
  return NormalizedValue{IndicatorType::kEmail, ascii_lower(v.substr(0, at)) + "@" + *domain};
}

Result<NormalizedValue> normalize_hash(std::string_view v, IndicatorType type) {
  const auto by_length = hash_type_for_length(v.size());
  if (!is_hex(v) || by_length != type) {
    return make_error(ErrorCode::kInvalidInput, fmt::format("'{}' is not a {} hash ({} hex digits)",
                                                            v, to_string(type), v.size()));
  }
  return NormalizedValue{type, ascii_lower(v)};
}

}  // namespace

std::optional<std::string> normalize_domain(std::string_view raw) {
  std::string d = ascii_lower(trim(raw));
  if (d.ends_with('.')) d.pop_back();
  if (d.empty() || d.size() > 253 || d.find('.') == std::string::npos) return std::nullopt;
  size_t label = 0;
  for (char c : d) {
    if (c == '.') {
      if (label == 0) return std::nullopt;
      label = 0;
    } else if (!is_label_char(c) || ++label > 63) {
      return std::nullopt;
    }
  }
  if (label == 0) return std::nullopt;
  // An all-digit top label is a mistyped IP ("1.2.3"), never a host name.
  const std::string_view tld = std::string_view(d).substr(d.rfind('.') + 1);
  if (tld.find_first_not_of("0123456789") == std::string_view::npos) return std::nullopt;
  return d;
}

std::optional<IndicatorType> infer_type(std::string_view raw) {
  const std::string_view v = trim(raw);
  if (auto p = IpPrefix::parse(v)) {
    return !p->is_host() ? IndicatorType::kCidr
           : p->v6       ? IndicatorType::kIpv6
                         : IndicatorType::kIpv4;
  }
  if (v.find("://") != std::string_view::npos) return IndicatorType::kUrl;
  if (v.find('@') != std::string_view::npos) return IndicatorType::kEmail;
  if (is_hex(v)) {
    if (auto h = hash_type_for_length(v.size())) return h;
  }
  if (normalize_domain(v.starts_with("*.") ? v.substr(2) : v)) return IndicatorType::kDomain;
  return std::nullopt;
}

Result<NormalizedValue> normalize_indicator(std::string_view raw,
                                            std::optional<IndicatorType> type) {
  const std::string_view v = trim(raw);
  if (!type) type = infer_type(v);
  if (!type) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("'{}' is not an IP, CIDR, domain, URL, hash or e-mail", v));
  }
  switch (*type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr:
      return normalize_ip(v);
    case IndicatorType::kDomain:
      return normalize_domain_indicator(v);
    case IndicatorType::kUrl: {
      auto u = normalize_url(v);
      if (!u) return make_error(ErrorCode::kInvalidInput, fmt::format("'{}' is not a URL", v));
      return NormalizedValue{IndicatorType::kUrl, std::move(*u)};
    }
    case IndicatorType::kEmail:
      return normalize_email(v);
    default:
      return normalize_hash(v, *type);
  }
}

}  // namespace vigil::intel
