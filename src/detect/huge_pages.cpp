#include "detect/huge_pages.h"

#include <algorithm>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace vigil::sigma {
namespace {

#if defined(__linux__)
#ifndef MADV_COLLAPSE
constexpr int MADV_COLLAPSE = 25;  // Linux 6.1; older headers lack it
#endif

bool collapse(uintptr_t region) {
  void* p = reinterpret_cast<void*>(region);
  ::madvise(p, kHugePageBytes, MADV_HUGEPAGE);  // later faults and khugepaged too
  return ::madvise(p, kHugePageBytes, MADV_COLLAPSE) == 0;
}
#else
bool collapse(uintptr_t) {
  return false;
}
#endif

std::vector<uintptr_t> regions_of(const std::vector<HeapBlock>& blocks) {
  constexpr uintptr_t kMask = ~uintptr_t{kHugePageBytes - 1};
  std::vector<uintptr_t> regions;
  for (const auto& b : blocks) {
    if (b.data == nullptr || b.bytes == 0) continue;
    const auto first = reinterpret_cast<uintptr_t>(b.data);
    for (uintptr_t r = first & kMask; r <= ((first + b.bytes - 1) & kMask); r += kHugePageBytes)
      regions.push_back(r);
  }
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  return regions;
}

}  // namespace

HugePageRegions back_with_huge_pages(const std::vector<HeapBlock>& blocks) {
  HugePageRegions out;
  for (uintptr_t r : regions_of(blocks)) {
    ++out.regions;
    if (collapse(r)) ++out.collapsed;
  }
  return out;
}

}  // namespace vigil::sigma
