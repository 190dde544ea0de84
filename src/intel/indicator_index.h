// One immutable view of every source's indicators, indexed for lookup: a hash
// map from (type, value) for exact values (hashes, URLs, e-mails, domains), the
// prefix table for IPs and CIDRs, and a walk up a domain's labels for
// "any subdomain of" entries. The store builds a new one per update and swaps
// it in, so a lookup always sees whole feeds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "intel/indicator.h"
#include "intel/normalize.h"
#include "intel/prefix_table.h"

namespace vigil::intel {

struct SourceFeed {
  std::string name;
  std::vector<Indicator> indicators;
};
using SourceMap = std::map<std::string, std::shared_ptr<const SourceFeed>, std::less<>>;

class IndicatorIndex {
 public:
  explicit IndicatorIndex(SourceMap sources);

  // Calls f(const Indicator&) for every indicator of any source that matches
  // `value` (expiry is the caller's business).
  template <typename F>
  void for_each_match(const NormalizedValue& value, F&& f) const;

  // The IP path: no normalized text needed (the hot path of event matching).
  template <typename F>
  void for_each_ip_match(const IpPrefix& address, F&& f) const {
    prefixes_.for_each_covering(address, f);
  }

  const SourceMap& sources() const { return sources_; }
  size_t size() const { return size_; }

 private:
  struct Span {
    uint32_t offset = 0;
    uint32_t count = 0;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ExactMap = std::unordered_map<std::string, Span, KeyHash, std::equal_to<>>;

  static std::string exact_key(IndicatorType type, std::string_view value);
  const Span* find_exact(IndicatorType type, std::string_view value) const;
  template <typename F>
  void for_each_in(const Span* span, bool subdomain_entries_only, F&& f) const;

  SourceMap sources_;
  size_t size_ = 0;
  ExactMap exact_;
  std::vector<const Indicator*> exact_refs_;
  PrefixTable prefixes_;
};

template <typename F>
void IndicatorIndex::for_each_in(const Span* span, bool subdomain_entries_only, F&& f) const {
  if (span == nullptr) return;
  for (uint32_t i = 0; i < span->count; ++i) {
    const Indicator& ind = *exact_refs_[span->offset + i];
    if (!subdomain_entries_only || ind.include_subdomains) f(ind);
  }
}

template <typename F>
void IndicatorIndex::for_each_match(const NormalizedValue& value, F&& f) const {
  switch (value.type) {
    case IndicatorType::kIpv4:
    case IndicatorType::kIpv6:
    case IndicatorType::kCidr:
      if (auto p = IpPrefix::parse(value.value)) prefixes_.for_each_covering(*p, f);
      return;
    case IndicatorType::kDomain: {
      std::string_view name = value.value;
      for_each_in(find_exact(IndicatorType::kDomain, name), false, f);
      // Parents down to the last two labels: a one-label "com" entry is never
      // a useful "any subdomain of" indicator.
      for (size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.')) {
        name.remove_prefix(dot + 1);
        if (name.find('.') == std::string_view::npos) break;
        for_each_in(find_exact(IndicatorType::kDomain, name), true, f);
      }
      return;
    }
    default:
      for_each_in(find_exact(value.type, value.value), false, f);
  }
}

}  // namespace vigil::intel
