// A whole log file through one decoder, for the commands that look at
// decoded events directly (`vigil decode`, `vigil rules test --format`).
#pragma once

#include <string>

#include "core/error.h"
#include "ingest/decoders/decoder.h"

namespace vigil {

// Reads `path` (gzip or plain; "-" = stdin) and decodes it with `decoder`.
// Errors: kConfig for an unknown decoder, kIo for an unreadable or
// truncated file.
Result<DecodeResult> decode_log_file(const std::string& path, const std::string& decoder,
                                     const DecoderCatalog& catalog);

}  // namespace vigil
