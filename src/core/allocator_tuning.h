// How vigil sets up glibc's allocator for itself; the benchmarks call the same
// function so that they measure what the binary runs.
#pragma once

namespace vigil {

// Call once at the start of main(), before any thread starts.
void tune_allocator();

}  // namespace vigil
