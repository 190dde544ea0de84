// An allocator for the store's big arrays (fingerprint buckets, packed
// records, prefix intervals): blocks of 4 MB and more are 2 MB-aligned and
// advised onto transparent huge pages before their first touch. A lookup at
// millions of indicators reads a few random cache lines; with 4 KB pages each
// of them also costs a page-table walk that misses the cache itself. Smaller
// blocks come from the ordinary heap. Where the kernel gives no huge pages
// (THP off) the memory is the same, only the walks remain.
#pragma once

#include <cstddef>
#include <new>

namespace vigil::intel {

void* allocate_maybe_huge(size_t bytes, size_t align);
void free_maybe_huge(void* p) noexcept;

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding
  T* allocate(size_t n) { return static_cast<T*>(allocate_maybe_huge(n * sizeof(T), alignof(T))); }
  void deallocate(T* p, size_t) noexcept { free_maybe_huge(p); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace vigil::intel
