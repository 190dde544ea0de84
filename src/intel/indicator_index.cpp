#include "intel/indicator_index.h"

#include <algorithm>
#include <stdexcept>

namespace vigil::intel {
namespace {

bool is_ip_type(IndicatorType t) {
  return t == IndicatorType::kIpv4 || t == IndicatorType::kIpv6 || t == IndicatorType::kCidr;
}

}  // namespace

IndicatorIndex::IndicatorIndex(SourceMap sources) : sources_(std::move(sources)) {
  if (sources_.size() >= (size_t{1} << (64 - kRecordBits))) {
    throw std::length_error("more than 2^24 indicator sources in one index");
  }
  std::vector<PrefixTable::Entry> prefixes;
  struct Exact {
    uint64_t fingerprint;
    uint64_t handle;
  };
  std::vector<Exact> exact;
  size_t total = 0;
  for (const auto& [name, feed] : sources_) total += feed->size();
  exact.reserve(total);
  for (const auto& [name, feed] : sources_) {
    const uint64_t feed_no = feeds_.size();
    feeds_.push_back(feed.get());
    for (size_t i = 0; i < feed->size(); ++i) {
      const IndicatorRef ind = (*feed)[i];
      const uint64_t handle = feed_no << kRecordBits | i;
      if (is_ip_type(ind.type())) {
        if (auto p = IpPrefix::parse(ind.value())) prefixes.emplace_back(*p, handle);
      } else {
        exact.push_back({value_fingerprint(ind.type(), ind.value()), handle});
      }
    }
  }
  size_ = prefixes.size() + exact.size();
  prefixes_ = PrefixTable(std::move(prefixes));
  // Equal values are adjacent once sorted by fingerprint then value (values
  // sharing a fingerprint without being equal are told apart here).
  std::sort(exact.begin(), exact.end(), [&](const Exact& a, const Exact& b) {
    if (a.fingerprint != b.fingerprint) return a.fingerprint < b.fingerprint;
    const IndicatorRef x = resolve(a.handle), y = resolve(b.handle);
    if (x.type() != y.type()) return x.type() < y.type();
    if (x.value() != y.value()) return x.value() < y.value();
    return a.handle < b.handle;
  });
  const auto same_value = [&](const Exact& a, const Exact& b) {
    if (a.fingerprint != b.fingerprint) return false;
    const IndicatorRef x = resolve(a.handle), y = resolve(b.handle);
    return x.type() == y.type() && x.value() == y.value();
  };
  // Calls f(begin, end) for each run of equal values.
  const auto for_each_value = [&](auto&& f) {
    for (size_t begin = 0, i = 1; i <= exact.size(); ++i) {
      if (i < exact.size() && same_value(exact[begin], exact[i])) continue;
      f(begin, i);
      begin = i;
    }
  };
  const auto any_subdomain_entry = [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      if (resolve(exact[j].handle).include_subdomains()) return true;
    }
    return false;
  };
  size_t distinct = 0, with_subdomains = 0;
  if (!exact.empty()) {
    for_each_value([&](size_t begin, size_t end) {
      ++distinct;
      with_subdomains += any_subdomain_entry(begin, end) ? 1 : 0;
    });
  }
  exact_ = FingerprintTable(distinct);
  subdomains_ = FingerprintTable(with_subdomains);
  exact_handles_.reserve(exact.size());
  if (!exact.empty()) {
    for_each_value([&](size_t begin, size_t end) {
      const auto offset = static_cast<uint32_t>(exact_handles_.size());
      const auto count = static_cast<uint32_t>(end - begin);
      exact_.insert(exact[begin].fingerprint, offset, count);
      if (any_subdomain_entry(begin, end)) {
        subdomains_.insert(exact[begin].fingerprint, offset, count);
        subdomain_lengths_.set(length_bit(resolve(exact[begin].handle).value().size()));
      }
      for (size_t j = begin; j < end; ++j) exact_handles_.push_back(exact[j].handle);
    });
  }
}

void IndicatorIndex::may_match(std::span<const LookupKey> keys,
                               std::span<const uint64_t> fingerprints,
                               std::span<bool> may_match) const {
  bool listed[FingerprintTable::kMaxBatch];
  exact_.contains(fingerprints, listed);
  for (size_t i = 0; i < keys.size(); ++i) {
    bool parent = false;
    if (keys[i].type() == IndicatorType::kDomain) {
      for_each_listed_parent(keys[i].value(), [&](std::string_view) { parent = true; });
    }
    may_match[i] = may_match[i] || listed[i] || parent;
  }
}

}  // namespace vigil::intel
