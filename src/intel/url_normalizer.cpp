#include "intel/url_normalizer.h"

#include <cstring>

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

// One pass over the scheme and one over the authority: every URL field of
// every event is split (twice: normalized, and its host looked up), and
// find("://"), find('#') over the whole rest, rfind('@') and rfind(':') each
// walked it again (~500 instructions for a 45-byte URL).
std::optional<UrlParts> split_url(std::string_view raw) {
  UrlParts p;
  // The first "://" with only scheme characters before it.
  size_t sep = 0;
  while (sep < raw.size() && is_scheme_char(raw[sep])) ++sep;
  if (sep == 0 || raw.substr(sep, 3) != "://") return std::nullopt;
  p.scheme = raw.substr(0, sep);
  const std::string_view rest = raw.substr(sep + 3);
  // The authority ends at the path, the query or the fragment; the last '@'
  // in it ends the userinfo, and the last ':' after that starts the port.
  size_t end = 0, at = std::string_view::npos, colon = std::string_view::npos;
  for (; end < rest.size(); ++end) {
    const char c = rest[end];
    if (c == '/' || c == '?' || c == '#') break;
    if (c == '@') {
      at = end;
      colon = std::string_view::npos;
    } else if (c == ':') {
      colon = end;
    }
  }
  if (end < rest.size() && rest[end] != '#') {
    const std::string_view tail = rest.substr(end);
    p.rest = tail.substr(0, tail.find('#'));
  }
  std::string_view authority = rest.substr(0, end);
  size_t host_begin = 0;
  if (at != std::string_view::npos) {
    p.userinfo = authority.substr(0, at);
    host_begin = at + 1;
  }
  authority = authority.substr(host_begin);
  size_t port_colon = colon == std::string_view::npos ? colon : colon - host_begin;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    p.host = authority.substr(1, close - 1);
    port_colon = close + 1 < authority.size() && authority[close + 1] == ':'
                     ? close + 1
                     : std::string_view::npos;
  } else {
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

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

char* copy_into(std::string_view s, char* out) {
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

char* lower_into(std::string_view s, char* out) {
  for (char c : s) *out++ = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

// Decodes escapes of unreserved characters (they mean the character itself)
// and upper-cases the hex of the others, which must stay encoded. Writes at
// most s.size() bytes; the runs between escapes are copied whole.
char* escapes_into(std::string_view s, char* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t i = 0;
  while (i < s.size()) {
    const void* pct = std::memchr(s.data() + i, '%', s.size() - i);
    const size_t at =
        pct ? static_cast<size_t>(static_cast<const char*>(pct) - s.data()) : s.size();
    out = copy_into(s.substr(i, at - i), out);
    if (at == s.size()) break;
    const int hi = at + 2 < s.size() ? hex_digit_value(s[at + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit_value(s[at + 2]) : -1;
    if (lo < 0) {
      *out++ = '%';
      i = at + 1;
      continue;
    }
    const char decoded = static_cast<char>(hi * 16 + lo);
    if (is_unreserved(decoded)) {
      *out++ = decoded;
    } else {
      *out++ = '%';
      *out++ = kHex[hi];
      *out++ = kHex[lo];
    }
    i = at + 3;
  }
  return out;
}

}  // namespace

size_t normalize_url_into(std::string_view raw, char* out, std::string_view* host_as_written) {
  const auto parts = split_url(trim(raw));
  if (!parts) return std::string_view::npos;
  if (host_as_written != nullptr) *host_as_written = parts->host;
  char* o = lower_into(parts->scheme, out);
  const std::string_view scheme(out, static_cast<size_t>(o - out));
  o = copy_into("://", o);
  if (!parts->userinfo.empty()) {
    o = escapes_into(parts->userinfo, o);
    *o++ = '@';
  }
  const bool v6 = parts->host.find(':') != std::string_view::npos;
  if (v6) *o++ = '[';
  o = lower_into(parts->host, o);
  if (v6) *o++ = ']';
  if (!parts->port.empty() && parts->port != default_port(scheme)) {
    *o++ = ':';
    o = copy_into(parts->port, o);
  }
  if (parts->rest.empty() || parts->rest.front() == '?') *o++ = '/';
  o = escapes_into(parts->rest, o);
  return static_cast<size_t>(o - out);
}

std::optional<std::string> normalize_url(std::string_view raw) {
  std::string out(raw.size() + kUrlGrowth, '\0');
  const size_t n = normalize_url_into(raw, out.data());
  if (n == std::string_view::npos) return std::nullopt;
  out.resize(n);
  return out;
}

std::string url_host(std::string_view raw) {
  return ascii_lower(url_host_as_written(raw));
}

std::string_view url_host_as_written(std::string_view raw) {
  auto parts = split_url(trim(raw));
  return parts ? parts->host : std::string_view();
}

}  // namespace vigil::intel
