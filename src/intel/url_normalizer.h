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

// How much longer than its input a normalized URL can be: "/" for an empty
// path, brackets around an unbracketed host with colons.
inline constexpr size_t kUrlGrowth = 3;

// nullopt when `raw` has no "scheme://host".
std::optional<std::string> normalize_url(std::string_view raw);
// The same into `out` (room for raw.size() + kUrlGrowth bytes), without an
// allocation: its length, or npos when `raw` has no "scheme://host".
// `host_as_written`, when given, receives url_host_as_written(raw) from the
// same split (event matching looks the host up too).
size_t normalize_url_into(std::string_view raw, char* out,
                          std::string_view* host_as_written = nullptr);

// The host of a URL (lower case, no port, IPv6 without brackets), or empty.
std::string url_host(std::string_view raw);
// The same host as the URL writes it (not lower-cased), without a copy: what
// event matching hands on to the domain lookup, which lower-cases anyway.
std::string_view url_host_as_written(std::string_view raw);

}  // namespace vigil::intel
