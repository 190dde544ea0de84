#include "intel/url_normalizer.h"

#include "core/strings.h"

namespace vigil::intel {
namespace {

struct UrlParts {
  std::string_view scheme, userinfo, host, port, rest;  // rest: path, query (no fragment)
};

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

std::optional<UrlParts> split_url(std::string_view raw) {
  UrlParts p;
  const size_t sep = raw.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  p.scheme = raw.substr(0, sep);
  for (char c : p.scheme) {
    if (!is_scheme_char(c)) return std::nullopt;
  }
  std::string_view rest = raw.substr(sep + 3);
  rest = rest.substr(0, rest.find('#'));
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  p.rest =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    p.userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  size_t port_colon = std::string_view::npos;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    p.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port_colon = close + 1;
  } else {
    port_colon = authority.rfind(':');
    p.host = authority.substr(0, port_colon);
  }
  if (port_colon != std::string_view::npos) p.port = authority.substr(port_colon + 1);
  if (p.host.empty()) return std::nullopt;
  return p;
}

std::string_view default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return {};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Decodes escapes of unreserved characters (they mean the character itself)
// and upper-cases the hex of the others, which must stay encoded.
void append_normalized_escapes(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size(); ++i) {
    const int hi = s[i] == '%' && i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0) {
      out += s[i];
      continue;
    }
    const char decoded = static_cast<char>(hi * 16 + lo);
    if (is_unreserved(decoded)) {
      out += decoded;
    } else {
      out += '%';
      out += kHex[hi];
      out += kHex[lo];
    }
    i += 2;
  }
}

}  // namespace

std::optional<std::string> normalize_url(std::string_view raw) {
  auto parts = split_url(trim(raw));
  if (!parts) return std::nullopt;
  const std::string scheme = ascii_lower(parts->scheme);
  std::string out = scheme + "://";
  if (!parts->userinfo.empty()) {
    append_normalized_escapes(out, parts->userinfo);
    out += '@';
  }
  const std::string host = ascii_lower(parts->host);
  const bool v6 = host.find(':') != std::string::npos;
  out += v6 ? "[" + host + "]" : host;
  if (!parts->port.empty() && parts->port != default_port(scheme)) {
    out += ':';
    out += parts->port;
  }
  if (parts->rest.empty() || parts->rest.front() == '?') out += '/';
  append_normalized_escapes(out, parts->rest);
  return out;
}

std::string url_host(std::string_view raw) {
  auto parts = split_url(trim(raw));
  return parts ? ascii_lower(parts->host) : std::string();
}

}  // namespace vigil::intel
