// One immutable view of every source's indicators, indexed for lookup: a
// fingerprint table for exact values (hashes, URLs, e-mails, domains), the
// prefix table for IPs and CIDRs, and a walk up a domain's labels for
// "any subdomain of" entries. The store builds a new one per update and swaps
// it in, so a lookup always sees whole feeds. Lookups allocate nothing and
// hand out IndicatorRefs into the packed feeds this index keeps alive.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "intel/fingerprint_table.h"
#include "intel/indicator.h"
#include "intel/normalize.h"
#include "intel/packed_feed.h"
#include "intel/prefix_table.h"

namespace vigil::intel {

using SourceMap = std::map<std::string, std::shared_ptr<const PackedFeed>, std::less<>>;

class IndicatorIndex {
 public:
  explicit IndicatorIndex(SourceMap sources);

  // Calls f(IndicatorRef) for every indicator of any source that matches
  // `value` of `type` (normalized: LookupKey or NormalizedValue), expiry being
  // the caller's business. Domains also match "any subdomain of" entries on
  // their parents.
  template <typename F>
  void for_each_match(IndicatorType type, std::string_view value, F&& f) const {
    for_each_match(type, value, value_fingerprint(type, value), f);
  }
  // The same with the value's fingerprint already computed (value_fingerprint).
  template <typename F>
  void for_each_match(IndicatorType type, std::string_view value, uint64_t fingerprint,
                      F&& f) const;
  // Starts loading the bucket a fingerprint probes (batched lookups).
  void prefetch_exact(uint64_t fingerprint) const { exact_.prefetch(fingerprint); }

  // The IP path: addresses and ranges, every covering prefix.
  template <typename F>
  void for_each_ip_match(const IpPrefix& address, F&& f) const {
    prefixes_.for_each_covering(address, [&](uint64_t handle) { f(resolve(handle)); });
  }
  // The IP path in steps, for batches (PrefixTable::locate and what follows).
  const PrefixTable& prefixes() const { return prefixes_; }
  void prefetch_records(uint32_t node, int length) const {
    prefixes_.for_each_in(node, length, [&](uint64_t handle) { resolve(handle).prefetch(); });
  }
  template <typename F>
  void for_each_ip_match_at(uint32_t node, int length, F&& f) const {
    prefixes_.for_each_in(node, length, [&](uint64_t handle) { f(resolve(handle)); });
  }

  const SourceMap& sources() const { return sources_; }
  size_t size() const { return size_; }

 private:
  // An indicator's handle: feed number (high 24 bits), record (low 40).
  static constexpr int kRecordBits = 40;
  IndicatorRef resolve(uint64_t handle) const {
    return (*feeds_[handle >> kRecordBits])[handle & ((uint64_t{1} << kRecordBits) - 1)];
  }
  template <typename F>
  void for_each_exact(const FingerprintTable& table, IndicatorType type, std::string_view value,
                      uint64_t fingerprint, bool subdomain_entries_only, F&& f) const;

  SourceMap sources_;
  std::vector<const PackedFeed*> feeds_;
  size_t size_ = 0;
  FingerprintTable exact_;
  // The domains with an "any subdomain of" entry, the same spans as in
  // exact_: a name's parents are probed here, a table a tenth the size (at
  // the mixed 10 M set), so a miss on a deep name costs one probe of the big
  // table, not one per label.
  FingerprintTable subdomains_;
  std::vector<uint64_t, HugePageAllocator<uint64_t>>
      exact_handles_;  // grouped by value; slots hold spans
  PrefixTable prefixes_;
};

template <typename F>
void IndicatorIndex::for_each_exact(const FingerprintTable& table, IndicatorType type,
                                    std::string_view value, uint64_t fingerprint,
                                    bool subdomain_entries_only, F&& f) const {
  const auto* slot = table.find(fingerprint, [&](const FingerprintTable::Slot& s) {
    const IndicatorRef first = resolve(exact_handles_[s.offset]);
    return first.type() == type && first.value() == value;
  });
  if (slot == nullptr) return;
  for (uint32_t i = 0; i < slot->count; ++i) {
    const IndicatorRef ind = resolve(exact_handles_[slot->offset + i]);
    if (!subdomain_entries_only || ind.include_subdomains()) f(ind);
  }
}

template <typename F>
void IndicatorIndex::for_each_match(IndicatorType type, std::string_view value,
                                    uint64_t fingerprint, F&& f) const {
  if (type == IndicatorType::kIpv4 || type == IndicatorType::kIpv6 ||
      type == IndicatorType::kCidr) {
    if (auto p = IpPrefix::parse(value)) for_each_ip_match(*p, f);
    return;
  }
  for_each_exact(exact_, type, value, fingerprint, false, f);
  if (type != IndicatorType::kDomain || subdomains_.capacity() == 0) return;
  // Parents down to the last two labels: a one-label "com" entry is never a
  // useful "any subdomain of" indicator.
  for (size_t dot = value.find('.'); dot != std::string_view::npos; dot = value.find('.')) {
    value.remove_prefix(dot + 1);
    if (value.find('.') == std::string_view::npos) break;
    for_each_exact(subdomains_, IndicatorType::kDomain, value,
                   value_fingerprint(IndicatorType::kDomain, value), true, f);
  }
}

}  // namespace vigil::intel
