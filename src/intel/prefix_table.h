// Longest-prefix match over IPv4 and IPv6 prefixes (host addresses are
// full-length prefixes), reporting every covering prefix, longest first,
// because the store aggregates all the feeds that list any range containing
// the address.
//
// Prefixes nest or are disjoint, so they cut each family's address space into
// intervals in which the set of covering prefixes is constant. The table keeps
// those intervals sorted by start, each naming a "node": a distinct prefix
// with its chain (its own entries, then its parent's chain). A first-level
// array indexed by the address's top bits (about one bucket per interval)
// narrows the search to a cache line or two; a lookup is two array reads and
// a short binary search, whatever the number of prefix lengths in use. Memory
// grows with the prefixes (~40 bytes each), not with the address space as in a
// DIR-24-8 table (64 MB even for one prefix, 1 KB per /24 holding a host).
// Immutable once built.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "intel/huge_pages.h"
#include "intel/ip_prefix.h"

namespace vigil::intel {

class PrefixTable {
 public:
  // A prefix and the caller's 64-bit handle for what it stands for.
  using Entry = std::pair<IpPrefix, uint64_t>;

  explicit PrefixTable(std::vector<Entry> entries = {});

  // Calls f(uint64_t handle) for every entry whose prefix contains `address`
  // (an address or a range: ranges match the prefixes at least as wide),
  // longest prefix first.
  template <typename F>
  void for_each_covering(const IpPrefix& address, F&& f) const {
    for_each_in(locate(address), address.length, f);
  }

  // The same in steps, for batches (IndicatorStore::View::check_ip): each step
  // starts loading what the next one reads, so a group of lookups waits for
  // memory once per step instead of once per lookup and step.
  static constexpr uint32_t kNone = 0xffffffffu;
  void prefetch_bucket(const IpPrefix& address) const {
    address.v6 ? v6_.prefetch_bucket(address.bits)
               : v4_.prefetch_bucket(static_cast<uint32_t>(address.bits));
  }
  void prefetch_intervals(const IpPrefix& address) const {
    address.v6 ? v6_.prefetch_intervals(address.bits)
               : v4_.prefetch_intervals(static_cast<uint32_t>(address.bits));
  }
  // The innermost prefix containing the address (kNone: none); starts loading its chain.
  uint32_t locate(const IpPrefix& address) const {
    const uint32_t node =
        address.v6 ? v6_.find(address.bits) : v4_.find(static_cast<uint32_t>(address.bits));
    if (node != kNone) __builtin_prefetch(&chain_[nodes_[node].offset]);
    return node;
  }
  // f(handle) for the node's chain entries at most `length` long, longest first.
  template <typename F>
  void for_each_in(uint32_t node, int length, F&& f) const {
    if (node == kNone) return;
    const Span chain = nodes_[node];
    for (uint32_t i = 0; i < chain.count; ++i) {
      const Link& link = chain_[chain.offset + i];
      if (link.length <= length) f(link.handle);
    }
  }

  size_t size() const { return entries_; }

 private:
  struct Span {
    uint32_t offset = 0;
    uint32_t count = 0;
  };
  struct Link {
    uint64_t handle = 0;
    int length = 0;
  };

  // One family's partition of the address space into intervals.
  template <typename Key>
  struct Intervals {
    struct Interval {
      Key start = 0;
      uint32_t node = kNone;
    };
    std::vector<Interval, HugePageAllocator<Interval>> intervals{Interval{}};
    std::vector<uint32_t, HugePageAllocator<uint32_t>> buckets{
        0, 0, 0};  // interval holding each bucket's first address
    int shift = sizeof(Key) * 8 - 1;

    void prefetch_bucket(Key address) const {
      __builtin_prefetch(&buckets[static_cast<size_t>(address >> shift)]);
    }
    // The bucket's intervals span a line or two: both ends are requested.
    void prefetch_intervals(Key address) const {
      const size_t b = static_cast<size_t>(address >> shift);
      __builtin_prefetch(&intervals[buckets[b]]);
      __builtin_prefetch(&intervals[buckets[b + 1]]);
    }
    // The last interval of the address's bucket starting at or before it. The
    // search halves the candidates with a conditional move, not a branch:
    // which half holds a random address is a coin toss, and a mispredicted
    // branch also throws away the loads the batch has in flight behind it.
    uint32_t find(Key address) const {
      const size_t b = static_cast<size_t>(address >> shift);
      uint32_t first = buckets[b];  // starts at or before the bucket's first address
      uint32_t count = buckets[b + 1] - first + 1;
      while (count > 1) {
        const uint32_t half = count / 2;
        first = intervals[first + half].start <= address ? first + half : first;
        count -= half;
      }
      return intervals[first].node;
    }
  };

  template <typename Key>
  void build_family(std::vector<Entry>& entries, Intervals<Key>& out);

  Intervals<uint32_t> v4_;
  Intervals<Bits128> v6_;
  std::vector<Span, HugePageAllocator<Span>> nodes_;  // node id → its chain in chain_
  std::vector<Link, HugePageAllocator<Link>> chain_;
  size_t entries_ = 0;
};

}  // namespace vigil::intel
