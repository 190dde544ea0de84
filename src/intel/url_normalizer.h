// URL normalization (RFC 3986 section 6.2.2 plus the scheme-based step of 6.2.3),
// so that feeds and events that write one URL differently still compare equal:
// lower-case scheme and host, default port dropped, empty path made "/",
// percent-escapes of unreserved characters decoded and the others upper-cased,
// fragment dropped. The path and query keep their case.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::intel {

// nullopt when `raw` has no "scheme://host".
std::optional<std::string> normalize_url(std::string_view raw);

// The host of a URL (lower case, no port, IPv6 without brackets), or empty.
std::string url_host(std::string_view raw);

}  // namespace vigil::intel
