// One immutable view of every source's indicators, indexed for lookup: a
// fingerprint table for exact values (hashes, URLs, e-mails, domains), the
// prefix table for IPs and CIDRs, and a walk up a domain's labels for
// "any subdomain of" entries. The store builds a new one per update and swaps
// it in, so a lookup always sees whole feeds. Lookups allocate nothing and
// hand out IndicatorRefs into the packed feeds this index keeps alive.
#pragma once

#include <algorithm>
#include <bitset>
#include <map>
#include <memory>
#include <span>
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
  // may_match[i] |= whether for_each_match(keys[i], fingerprints[i]) may call
  // anything (up to FingerprintTable::kMaxBatch keys): false when no slot
  // holds the fingerprint and, for a domain, no parent is as long as an
  // "any subdomain of" entry. A batch's miss path: one bucket read each,
  // no verification, hashing or record reads.
  void may_match(std::span<const LookupKey> keys, std::span<const uint64_t> fingerprints,
                 std::span<bool> may_match) const;

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
  // Calls f(parent) for each parent of a domain name down to its last two
  // labels (a one-label "com" entry is never a useful "any subdomain of"
  // indicator) whose length some "any subdomain of" entry has: the others
  // cannot match, and need no hash or probe.
  template <typename F>
  void for_each_listed_parent(std::string_view name, F&& f) const {
    if (subdomains_.capacity() == 0) return;
    const size_t last_dot = name.rfind('.');
    for (size_t i = 0; i < last_dot; ++i) {
      if (name[i] != '.') continue;
      const std::string_view parent = name.substr(i + 1);
      if (subdomain_lengths_.test(length_bit(parent.size()))) f(parent);
    }
  }

  SourceMap sources_;
  std::vector<const PackedFeed*> feeds_;
  size_t size_ = 0;
  FingerprintTable exact_;
  // The domains with an "any subdomain of" entry, the same spans as in
  // exact_: a name's parents are probed here, a table a tenth the size (at
  // the mixed 10 M set), so a miss on a deep name costs one probe of the big
  // table, not one per label.
  FingerprintTable subdomains_;
  // The lengths of the names in subdomains_ (host names are at most 253
  // bytes; 255 stands for 255 and more, so nothing is ever missed).
  std::bitset<256> subdomain_lengths_;
  static size_t length_bit(size_t length) { return std::min<size_t>(length, 255); }
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
  if (type != IndicatorType::kDomain) return;
  for_each_listed_parent(value, [&](std::string_view parent) {
    for_each_exact(subdomains_, IndicatorType::kDomain, parent,
                   value_fingerprint(IndicatorType::kDomain, parent), true, f);
  });
}

}  // namespace vigil::intel
