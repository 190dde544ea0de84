// Turns a value as a feed or an event writes it into the one form the store
// compares: lower-case hosts, hashes and e-mail addresses, canonical IP text,
// CIDRs with their host bits cleared, URLs normalized (url_normalizer.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "intel/indicator.h"
#include "intel/ip_prefix.h"

namespace vigil::intel {

struct NormalizedValue {
  IndicatorType type;
  std::string value;
  bool include_subdomains = false;  // a domain written "*.example.com" or ".example.com"
};

// The type a bare value looks like: IP, CIDR, URL (has "://"), e-mail, hash (hex
// of length 32/40/64/128), domain (dotted host name); nullopt for anything else.
std::optional<IndicatorType> infer_type(std::string_view raw);

// The hash type a value's length names (32, 40, 64 or 128 characters, blanks
// around it ignored), nullopt for any other length. Whether it is hex is
// normalize_key's check: for a value of such a length, normalize_key(raw,
// *hash_type_by_length(raw)) accepts exactly what infer_type calls a hash.
std::optional<IndicatorType> hash_type_by_length(std::string_view raw);

// Normalizes `raw` as `type` (inferred when nullopt). The IP types are taken
// loosely: an "ipv4" value with a prefix becomes a CIDR, an IPv6 one ipv6.
// The error says why the value is not an indicator of that type.
Result<NormalizedValue> normalize_indicator(std::string_view raw,
                                            std::optional<IndicatorType> type = std::nullopt);

// Canonical host name: lower case, no trailing dot; nullopt when it is not one.
std::optional<std::string> normalize_domain(std::string_view raw);

// The normalized form of a value for a lookup, written into its own buffer so
// that event matching (every field of every event) allocates nothing: only
// URLs and values over 256 bytes go to the heap.
class LookupKey {
 public:
  LookupKey() = default;
  LookupKey(const LookupKey&) = delete;
  LookupKey& operator=(const LookupKey&) = delete;

  std::string_view value() const { return value_; }
  IndicatorType type() const { return type_; }
  bool include_subdomains() const { return include_subdomains_; }
  // An address or range's canonical text (IpPrefix::format) as the key.
  std::string_view set_ip(const IpPrefix& prefix);

 private:
  friend bool normalize_key(std::string_view, IndicatorType, LookupKey&);
  friend bool normalize_url_key(std::string_view, LookupKey&, std::string_view&);
  char* reserve(size_t n);
  void set(IndicatorType type, size_t n, bool include_subdomains = false);

  IndicatorType type_ = IndicatorType::kDomain;
  bool include_subdomains_ = false;
  std::string_view value_;
  std::string heap_;
  char* data_ = nullptr;
  char buf_[256];
};

// Normalizes `raw` as `type` (a domain, URL, hash or e-mail; not the IP types)
// exactly as normalize_indicator does; false when it is not such a value.
bool normalize_key(std::string_view raw, IndicatorType type, LookupKey& out);
// normalize_key(raw, kUrl, out), also setting `host_as_written` to
// url_host_as_written(raw) (empty when false) from the same split of the URL.
bool normalize_url_key(std::string_view raw, LookupKey& out, std::string_view& host_as_written);

}  // namespace vigil::intel
