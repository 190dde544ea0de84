// How vigil sets up its allocator: jemalloc, linked into every binary by
// vigil_core unless the build has the sanitizers or VIGIL_JEMALLOC=OFF, in
// which case glibc's malloc, tuned here. The benchmarks call the same
// function so that they measure what the binary runs.
#pragma once

namespace vigil {

// Call once at the start of main(), before any thread starts.
void tune_allocator();

}  // namespace vigil
