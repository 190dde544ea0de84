#include "core/allocator_tuning.h"

#include <malloc.h>

#if defined(VIGIL_USES_JEMALLOC)
#include <jemalloc/jemalloc.h>

#include <cstdint>
#endif

namespace vigil {

#if defined(VIGIL_USES_JEMALLOC)
// jemalloc's defaults already do what the glibc settings below buy (per-thread
// caches, size classes without coalescing walks, freed memory kept for ~10 s
// before it is returned), and beat them: a default replay of 1 M events took
// 62-70 CPU-s against 95-101 with the tuned glibc malloc, at 367-380 MB against
// 398-437 MB max RSS (docs/benchmarks.md, session 8).
void tune_allocator() {}

size_t heap_allocated_bytes() {
  // jemalloc's statistics are a snapshot refreshed by advancing its epoch;
  // glibc's mallinfo2 (what the benchmarks read before) reports 0 under it.
  uint64_t epoch = 1;
  size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size);
  size_t allocated = 0;
  size = sizeof(allocated);
  if (mallctl("stats.allocated", &allocated, &size, nullptr, 0) != 0) return 0;
  return allocated;
}
#else
void tune_allocator() {
  // Workers allocate and free whole batches of events; glibc's defaults hand the
  // memory back to the kernel after each batch and fault it in again, which
  // measured at ~40% of replay time (docs/benchmarks.md). Keep it instead.
  // Blocks above 4 MiB (no batch buffer is that large) still get their own
  // mapping, returned on free: at 64 MiB the intel index's build buffers stayed
  // in the heap and 10 M indicators peaked at 1,552 MiB instead of 1,423 MiB.
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
  // No fastbins: a batch frees thousands of small nodes at once, and with
  // fastbins glibc later walks them all again in malloc_consolidate and
  // unlink_chunk. Without them a decoder's chunk of 10,000 lines decodes 1.3-1.6x
  // faster (docs/benchmarks.md, session 6); the pipeline is unchanged.
  mallopt(M_MXFAST, 0);
}

size_t heap_allocated_bytes() {
  return mallinfo2().uordblks;
}
#endif

}  // namespace vigil
