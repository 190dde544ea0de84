#include "intel/normalize.h"

#include <fmt/format.h>

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/strings.h"
#include "intel/ip_prefix.h"
#include "intel/url_normalizer.h"

namespace vigil::intel {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// trim(), inline for the common case of nothing to trim: lookups run it on
// every value of every event.
std::string_view trimmed(std::string_view s) {
  if (s.empty() || (!is_blank(s.front()) && !is_blank(s.back()))) return s;
  return trim(s);
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return !s.empty();
}

// Lower-cases hex digits from `in` into `out`; false when any is not a hex
// digit. Sixteen bytes a step (hash lengths are all at least 32, so the tail
// is one overlapping step): the character loop cost ~530 instructions per
// SHA-256, more than the whole table probe.
bool lower_hex_into(std::string_view in, char* out) {
  const size_t n = in.size();
#if defined(__SSE2__)
  if (n >= 16) {
    // x in [lo, lo + len) as a signed compare after shifting lo to -128.
    const auto in_range = [](__m128i x, char lo, char len) {
      const __m128i shifted = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(0x80 - lo)));
      return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + len)));
    };
    const __m128i case_bit = _mm_set1_epi8(0x20);
    bool ok = true;
    const auto step = [&](size_t i) {
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in.data() + i));
      const __m128i lower = _mm_or_si128(c, case_bit);  // letters only; digits have it already
      const __m128i hex = _mm_or_si128(in_range(c, '0', 10), in_range(lower, 'a', 6));
      ok &= _mm_movemask_epi8(hex) == 0xffff;
      const __m128i upper = in_range(c, 'A', 26);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                       _mm_or_si128(c, _mm_and_si128(upper, case_bit)));
    };
    size_t i = 0;
    for (; i + 16 <= n; i += 16) step(i);
    if (i < n) step(n - 16);
    return ok;
  }
#endif
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<uint32_t>(static_cast<unsigned char>(in[i]));
    const uint32_t l = c | 0x20u;
    bad |= static_cast<uint32_t>(c - '0' >= 10u) & static_cast<uint32_t>(l - 'a' >= 6u);
    out[i] = static_cast<char>(c | (static_cast<uint32_t>(c - 'A' < 26u) << 5));
  }
  return n > 0 && bad == 0;
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

// Each byte as it may stand in a host name label, lower-cased (letters,
// digits, '-', '_'); 0 for every other byte.
constexpr std::array<char, 256> kHostChars = [] {
  std::array<char, 256> t{};
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'A'; c <= 'Z'; ++c)
    t[static_cast<unsigned char>(c)] = static_cast<char>(c - 'A' + 'a');
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  t['-'] = '-';
  t['_'] = '_';
  return t;
}();

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Writes the canonical host name of `raw` to `out` (room for raw.size()
// bytes); its length, or npos when it is not a host name: dotted labels of
// letters, digits, '-' and '_', at most 253 bytes, 63 per label, one trailing
// dot dropped, and a top label that is not all digits ("1.2.3" is a mistyped
// IP). One pass: domains and e-mail hosts are normalized in every event.
size_t domain_into(std::string_view raw, char* out) {
  const std::string_view d = trimmed(raw);
  size_t n = d.size();
  if (n > 0 && d[n - 1] == '.') --n;
  if (n == 0 || n > 253) return std::string_view::npos;
  size_t label = 0;
  bool dotted = false;
  bool top_label_all_digits = true;
  for (size_t i = 0; i < n; ++i) {
    const char c = d[i];
    if (c == '.') {
      if (label == 0) return std::string_view::npos;
      out[i] = '.';
      label = 0;
      dotted = true;
      top_label_all_digits = true;
      continue;
    }
    const char l = kHostChars[static_cast<unsigned char>(c)];
    if (l == 0 || ++label > 63) return std::string_view::npos;
    top_label_all_digits &= l >= '0' && l <= '9';
    out[i] = l;
  }
  if (label == 0 || !dotted || top_label_all_digits) return std::string_view::npos;
  return n;
}

// "*.x" and ".x" mean x and any subdomain.
std::string_view strip_subdomain_marker(std::string_view v, bool& subdomains) {
  subdomains = v.starts_with("*.") || v.starts_with('.');
  if (subdomains) v.remove_prefix(v.front() == '*' ? 2 : 1);
  return v;
}

// Where the '@' of an e-mail address is: npos when there is none, nothing
// before it, or a blank or angle bracket anywhere ("Name <a@b>" is not one
// address). One pass (find_first_of calls memchr per character).
size_t email_at(std::string_view v) {
  size_t at = std::string_view::npos;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == ' ' || c == '\t' || c == '<' || c == '>') return std::string_view::npos;
    if (c == '@' && at == std::string_view::npos) at = i;
  }
  return at == 0 ? std::string_view::npos : at;
}

Result<NormalizedValue> from_prefix(const IpPrefix& p) {
  const IndicatorType type = !p.is_host() ? IndicatorType::kCidr
                             : p.v6       ? IndicatorType::kIpv6
                                          : IndicatorType::kIpv4;
  return NormalizedValue{type, p.to_string()};
}

Result<NormalizedValue> not_an_ip(std::string_view v) {
  return make_error(ErrorCode::kInvalidInput, fmt::format("'{}' is not an IP address or CIDR", v));
}

// Why normalize_key refused `v` as `type`.
std::string refusal(std::string_view v, IndicatorType type) {
  bool subdomains = false;
  switch (type) {
    case IndicatorType::kDomain:
      return fmt::format("'{}' is not a domain name", strip_subdomain_marker(v, subdomains));
    case IndicatorType::kUrl:
      return fmt::format("'{}' is not a URL", v);
    case IndicatorType::kEmail:
      return email_at(v) != std::string_view::npos
                 ? fmt::format("'{}' has no valid domain", v)
                 : fmt::format("'{}' is not an e-mail address", v);
    default:
      return fmt::format("'{}' is not a {} hash ({} hex digits)", v, to_string(type), v.size());
  }
}

}  // namespace

char* LookupKey::reserve(size_t n) {
  if (n <= sizeof buf_) {
    data_ = buf_;
  } else {
    heap_.resize(n);
    data_ = heap_.data();
  }
  return data_;
}

void LookupKey::set(IndicatorType type, size_t n, bool include_subdomains) {
  type_ = type;
  value_ = std::string_view(data_, n);
  include_subdomains_ = include_subdomains;
}

std::string_view LookupKey::set_ip(const IpPrefix& prefix) {
  const size_t n = prefix.format(reserve(IpPrefix::kMaxText));
  set(!prefix.is_host() ? IndicatorType::kCidr
      : prefix.v6       ? IndicatorType::kIpv6
                        : IndicatorType::kIpv4,
      n);
  return value_;
}

bool normalize_key(std::string_view raw, IndicatorType type, LookupKey& out) {
  std::string_view v = trimmed(raw);
  switch (type) {
    case IndicatorType::kDomain: {
      bool subdomains = false;
      v = strip_subdomain_marker(v, subdomains);
      const size_t n = domain_into(v, out.reserve(v.size()));
      if (n == std::string_view::npos) return false;
      out.set(type, n, subdomains);
      return true;
    }
    case IndicatorType::kEmail: {
      const size_t at = email_at(v);
      if (at == std::string_view::npos) return false;
      // Local parts are case-sensitive in theory; no mail system in use treats them so.
      char* p = out.reserve(v.size());
      for (size_t i = 0; i < at; ++i) p[i] = lower(v[i]);
      p[at] = '@';
      const size_t n = domain_into(v.substr(at + 1), p + at + 1);
      if (n == std::string_view::npos) return false;
      out.set(type, at + 1 + n);
      return true;
    }
    case IndicatorType::kUrl: {
      std::string_view host;
      return normalize_url_key(v, out, host);
    }
    case IndicatorType::kMd5:
    case IndicatorType::kSha1:
    case IndicatorType::kSha256:
    case IndicatorType::kSha512: {
      if (hash_type_for_length(v.size()) != type) return false;
      if (!lower_hex_into(v, out.reserve(v.size()))) return false;
      out.set(type, v.size());
      return true;
    }
    default:
      return false;  // the IP types go through IpPrefix
  }
}

bool normalize_url_key(std::string_view raw, LookupKey& out, std::string_view& host_as_written) {
  const std::string_view v = trimmed(raw);
  host_as_written = {};
  const size_t n = normalize_url_into(v, out.reserve(v.size() + kUrlGrowth), &host_as_written);
  if (n == std::string_view::npos) return false;
  out.set(IndicatorType::kUrl, n);
  return true;
}

std::optional<std::string> normalize_domain(std::string_view raw) {
  std::string d(raw.size(), '\0');
  const size_t n = domain_into(raw, d.data());
  if (n == std::string_view::npos) return std::nullopt;
  d.resize(n);
  return d;
}

std::optional<IndicatorType> hash_type_by_length(std::string_view raw) {
  return hash_type_for_length(trimmed(raw).size());
}

std::optional<IndicatorType> infer_type(std::string_view raw) {
  const std::string_view v = trimmed(raw);
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
  const std::string_view v = trimmed(raw);
  const bool ip_type =
      type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6 || type == IndicatorType::kCidr;
  if (!type || ip_type) {
    // Parsed once: IP lists are the bulk of most feeds.
    if (auto p = IpPrefix::parse(v)) return from_prefix(*p);
    if (ip_type) return not_an_ip(v);
  }
  if (!type) type = infer_type(v);
  if (!type) {
    return make_error(ErrorCode::kInvalidInput,
                      fmt::format("'{}' is not an IP, CIDR, domain, URL, hash or e-mail", v));
  }
  switch (*type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr:
      return not_an_ip(v);
    default: {
      LookupKey key;
      if (!normalize_key(v, *type, key)) {
        return make_error(ErrorCode::kInvalidInput, refusal(v, *type));
      }
      return NormalizedValue{key.type(), std::string(key.value()), key.include_subdomains()};
    }
  }
}

}  // namespace vigil::intel
