// Starting to load memory a caller will read soon, without waiting for it:
// per-entity state read a few events ahead (Detector::prefetch).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vigil {

inline constexpr size_t kCacheLine = 64;

// Asks for every cache line of [p, p + bytes) to be loaded; a hint only (no
// fault on any address, no effect on what the program computes).
inline void prefetch_lines(const void* p, size_t bytes) {
  const auto* first = static_cast<const char*>(p);
  for (size_t offset = 0; offset < bytes; offset += kCacheLine) __builtin_prefetch(first + offset);
}

}  // namespace vigil
