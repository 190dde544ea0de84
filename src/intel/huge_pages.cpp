#include "intel/huge_pages.h"

#include <sys/mman.h>

#include <cstdlib>

namespace vigil::intel {

void* allocate_maybe_huge(size_t bytes, size_t align) {
  constexpr size_t kHugePage = size_t{2} << 20;
  // From two huge pages up: below that, rounding up to a whole huge page
  // would cost more memory than the walks it saves.
  const bool huge = bytes >= 2 * kHugePage;
  if (huge) align = kHugePage;
  if (align < alignof(std::max_align_t)) align = alignof(std::max_align_t);
  const size_t rounded = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, rounded == 0 ? align : rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (huge) (void)madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure changes nothing
  return p;
}

void free_maybe_huge(void* p) noexcept {
  std::free(p);
}

}  // namespace vigil::intel
