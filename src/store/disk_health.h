// Can the store write right now? Used by check_health(): /readyz, and the writer
// resuming after a full disk.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/error.h"

namespace vigil::store {

// kStorageFull when dir's file system has less than min_free_bytes available or a small
// probe write fails with ENOSPC/EDQUOT; kStorage when the probe fails otherwise
// (read-only file system, permissions, missing directory).
Result<void> check_disk_writable(const std::filesystem::path& dir, uint64_t min_free_bytes);

}  // namespace vigil::store
