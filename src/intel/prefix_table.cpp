#include "intel/prefix_table.h"

#include <bit>

namespace vigil::intel {
namespace {

template <typename Key>
Key key_of(const IpPrefix& p) {
  return static_cast<Key>(p.bits);
}

template <typename Key>
Key last_of(const IpPrefix& p) {
  return static_cast<Key>(p.bits |
                          (~prefix_mask(p.v6, p.length) & prefix_mask(p.v6, p.max_length())));
}

}  // namespace

PrefixTable::PrefixTable(std::vector<Entry> entries) : entries_(entries.size()) {
  std::vector<Entry> v4, v6;
  for (auto& e : entries) (e.first.v6 ? v6 : v4).push_back(e);
  entries.clear();
  entries.shrink_to_fit();
  build_family(v4, v4_);
  build_family(v6, v6_);
}

template <typename Key>
void PrefixTable::build_family(std::vector<Entry>& entries, Intervals<Key>& out) {
  if (entries.empty()) return;
  // By start, wider first: a parent comes before what it contains, and equal
  // prefixes are adjacent (one node).
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.first.bits != b.first.bits) return a.first.bits < b.first.bits;
    if (a.first.length != b.first.length) return a.first.length < b.first.length;
    return a.second < b.second;
  });
  auto& iv = out.intervals;
  iv.clear();
  // Appends the interval starting at `start`; the previous one ends there.
  const auto emit = [&iv](Key start, uint32_t node) {
    if (!iv.empty() && iv.back().start == start) {
      iv.back().node = node;
      if (iv.size() >= 2 && iv[iv.size() - 2].node == node) iv.pop_back();
      return;
    }
    if (!iv.empty() && iv.back().node == node) return;
    iv.push_back({start, node});
  };
  struct Open {
    Key last;
    uint32_t node;
  };
  std::vector<Open> open;  // the prefixes containing the sweep position, outermost first
  const auto enclosing = [&open] { return open.empty() ? kNone : open.back().node; };
  emit(Key{0}, kNone);
  for (size_t begin = 0, end = 0; begin < entries.size(); begin = end) {
    const IpPrefix& p = entries[begin].first;
    for (end = begin + 1; end < entries.size() && entries[end].first == p;) ++end;
    const Key start = key_of<Key>(p);
    while (!open.empty() && open.back().last < start) {
      const Key resume = open.back().last + 1;
      open.pop_back();
      emit(resume, enclosing());
    }
    // The chain: this prefix's entries, then everything containing it.
    const auto node = static_cast<uint32_t>(nodes_.size());
    Span chain{static_cast<uint32_t>(chain_.size()), static_cast<uint32_t>(end - begin)};
    for (size_t i = begin; i < end; ++i) chain_.push_back({entries[i].second, p.length});
    if (!open.empty()) {
      const Span parent = nodes_[open.back().node];
      for (uint32_t i = 0; i < parent.count; ++i) chain_.push_back(chain_[parent.offset + i]);
      chain.count += parent.count;
    }
    nodes_.push_back(chain);
    emit(start, node);
    open.push_back({last_of<Key>(p), node});
  }
  while (!open.empty()) {
    const Key last = open.back().last;
    open.pop_back();
    if (last == static_cast<Key>(~Key{0})) break;  // reaches the end of the space
    emit(last + 1, enclosing());
  }
  iv.shrink_to_fit();
  // About one bucket per interval (at most 2^20: 4 MB for IPv4).
  constexpr int kWidth = sizeof(Key) * 8;
  const int bits = std::clamp(static_cast<int>(std::bit_width(iv.size())), 1, 20);
  out.shift = kWidth - bits;
  out.buckets.assign((size_t{1} << bits) + 1, 0);
  uint32_t i = 0;
  for (size_t b = 0; b < (size_t{1} << bits); ++b) {
    const Key first = static_cast<Key>(static_cast<Key>(b) << out.shift);
    while (i + 1 < iv.size() && iv[i + 1].start <= first) ++i;
    out.buckets[b] = i;
  }
  out.buckets.back() = static_cast<uint32_t>(iv.size() - 1);
}

}  // namespace vigil::intel
