// How vigil sets up its allocator: jemalloc, linked into every binary by
// vigil_core unless the build has the sanitizers or VIGIL_JEMALLOC=OFF, in
// which case glibc's malloc, tuned here. The benchmarks call the same
// function so that they measure what the binary runs.
#pragma once

#include <cstddef>

namespace vigil {

// Call once at the start of main(), before any thread starts.
void tune_allocator();

// Bytes the allocator has handed out and not had back, over all threads
// (jemalloc's stats.allocated, or glibc's mallinfo2 without jemalloc): what
// the benchmarks report as a structure's heap.
size_t heap_allocated_bytes();

}  // namespace vigil
