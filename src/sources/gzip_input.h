// Reading a log that may be gzip-compressed: shared by the file source and the
// commands that read a whole file (`vigil replay`, `decode`, `rules test`).
#pragma once

#include <zlib.h>

#include <optional>
#include <string>

#include "core/error.h"

namespace vigil {

// Opens `path` for gzread: gzip or plain, told apart by content; "-" is
// stdin. nullptr when it cannot be opened.
gzFile open_log(const std::string& path);

// Once gzread has returned its last bytes: the read error, if any, as
// "PATH: ...". A gzip stream cut before its end is one ("truncated gzip
// stream"), though gzread then returns 0 as at a clean end.
std::optional<Error> log_read_error(gzFile in, const std::string& path);

}  // namespace vigil
