// Turns a value as a feed or an event writes it into the one form the store
// compares: lower-case hosts, hashes and e-mail addresses, canonical IP text,
// CIDRs with their host bits cleared, URLs normalized (url_normalizer.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "intel/indicator.h"

namespace vigil::intel {

struct NormalizedValue {
  IndicatorType type;
  std::string value;
  bool include_subdomains = false;  // a domain written "*.example.com" or ".example.com"
};

// The type a bare value looks like: IP, CIDR, URL (has "://"), e-mail, hash (hex
// of length 32/40/64/128), domain (dotted host name); nullopt for anything else.
std::optional<IndicatorType> infer_type(std::string_view raw);

// Normalizes `raw` as `type` (inferred when nullopt). The IP types are taken
// loosely: an "ipv4" value with a prefix becomes a CIDR, an IPv6 one ipv6.
// The error says why the value is not an indicator of that type.
Result<NormalizedValue> normalize_indicator(std::string_view raw,
                                            std::optional<IndicatorType> type = std::nullopt);

// Canonical host name: lower case, no trailing dot; nullopt when it is not one.
std::optional<std::string> normalize_domain(std::string_view raw);

}  // namespace vigil::intel
