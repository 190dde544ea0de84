#include "intel/prefix_table.h"

#include <algorithm>

namespace vigil::intel {

PrefixTable::PrefixTable(std::vector<Entry> entries) {
  // Sorted by family, length (longest first) and bits, so equal prefixes form
  // runs that share one span of refs_.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.first.v6 != b.first.v6) return a.first.v6 < b.first.v6;
    if (a.first.length != b.first.length) return a.first.length > b.first.length;
    return a.first.bits < b.first.bits;
  });
  refs_.reserve(entries.size());
  size_t begin = 0;
  for (size_t i = 1; i <= entries.size(); ++i) {
    if (i == entries.size() || entries[i].first != entries[begin].first) {
      add_run(entries, begin, i);
      begin = i;
    }
  }
}

void PrefixTable::add_run(const std::vector<Entry>& sorted, size_t begin, size_t end) {
  const IpPrefix& prefix = sorted[begin].first;
  Family& family = prefix.v6 ? v6_ : v4_;
  if (family.levels.empty() || family.levels.back().length != prefix.length) {
    family.levels.push_back(Level{prefix.length, {}});
  }
  family.levels.back().spans.emplace(
      prefix.bits, Span{static_cast<uint32_t>(refs_.size()), static_cast<uint32_t>(end - begin)});
  for (size_t i = begin; i < end; ++i) refs_.push_back(sorted[i].second);
}

}  // namespace vigil::intel
