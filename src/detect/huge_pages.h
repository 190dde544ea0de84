// The memory a rule set reads at every event, in huge pages. A SigmaHQ rule
// set is ~22 MiB of small heap blocks (rules, matchers, pattern texts, the
// prefilter's arrays and Hyperscan databases), and an event's evaluation
// reads a few hundred cache lines spread over thousands of 4 KiB pages: with
// the kernel's transparent huge pages on `madvise` (Debian's default) each
// of those pages is a TLB miss of its own, on top of the cache miss. Backing
// the 2 MiB regions that hold those blocks with huge pages leaves ~20 TLB
// entries for all of them.
#pragma once

#include <cstddef>
#include <vector>

namespace vigil::sigma {

struct HeapBlock {
  const void* data;
  size_t bytes;
};

struct HugePageRegions {
  size_t regions = 0;    // 2 MiB regions holding some block
  size_t collapsed = 0;  // of them, now backed by a huge page
};

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// Asks the kernel to back each 2 MiB region holding a byte of `blocks`
// with a huge page, now (MADV_COLLAPSE, Linux 6.1+) and after (MADV_HUGEPAGE).
// Best effort: a region the kernel cannot collapse (not all of it in one
// anonymous mapping, no huge page free, another OS) stays as it is. The
// contents are unchanged; the resident size grows by the regions' unused
// pages. Call it once the blocks are built: blocks allocated later in the
// same regions share the huge page, freed ones may split it again.
HugePageRegions back_with_huge_pages(const std::vector<HeapBlock>& blocks);

}  // namespace vigil::sigma
