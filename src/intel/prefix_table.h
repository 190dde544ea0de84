// Longest-prefix match over IPv4 and IPv6 prefixes (host addresses are
// full-length prefixes): one hash map per prefix length present, probed from
// the longest length down, so a lookup costs one probe per distinct length
// in use (a DROP list uses ~15) instead of one per prefix. Immutable once
// built; every covering prefix is reported, longest first, because the store
// aggregates all the feeds that list any range containing the address.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "intel/ip_prefix.h"

namespace vigil::intel {

struct Indicator;

class PrefixTable {
 public:
  using Entry = std::pair<IpPrefix, const Indicator*>;

  explicit PrefixTable(std::vector<Entry> entries = {});

  // Calls f(const Indicator&) for every entry whose prefix contains `address`
  // (an address or a range: ranges match the prefixes at least as wide).
  template <typename F>
  void for_each_covering(const IpPrefix& address, F&& f) const {
    const Family& family = address.v6 ? v6_ : v4_;
    for (const Level& level : family.levels) {
      if (level.length > address.length) continue;
      const auto it = level.spans.find(address.bits & prefix_mask(address.v6, level.length));
      if (it == level.spans.end()) continue;
      for (uint32_t i = 0; i < it->second.count; ++i) f(*refs_[it->second.offset + i]);
    }
  }

  size_t size() const { return refs_.size(); }

 private:
  struct Span {
    uint32_t offset = 0;
    uint32_t count = 0;
  };
  struct BitsHash {
    size_t operator()(Bits128 b) const {
      const uint64_t x =
          static_cast<uint64_t>(b) ^ static_cast<uint64_t>(b >> 64) * 0x9E3779B97F4A7C15ull;
      return static_cast<size_t>((x ^ (x >> 29)) * 0xBF58476D1CE4E5B9ull);
    }
  };
  struct Level {
    int length = 0;
    std::unordered_map<Bits128, Span, BitsHash> spans;
  };
  struct Family {
    std::vector<Level> levels;  // longest first
  };

  void add_run(const std::vector<Entry>& sorted, size_t begin, size_t end);

  Family v4_, v6_;
  std::vector<const Indicator*> refs_;
};

}  // namespace vigil::intel
