// A whole log file through one decoder, for the commands that look at
// decoded events directly (`vigil decode`, `vigil rules test --format`); the
// reading itself (gzip or plain, truncation) is sources/gzip_input.h.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "ingest/decoders/decoder.h"
#include "sources/gzip_input.h"

namespace vigil {

// What was decoded, and the read error that cut the file short, if any: the
// lines before it are kept, as `replay` keeps them.
struct DecodedLog {
  DecodeResult decoded;
  std::optional<Error> read_error;
};

// Reads `path` (gzip or plain; "-" = stdin) and decodes it with `decoder`.
// Errors: kConfig for an unknown decoder, kIo for a file that cannot be opened.
Result<DecodedLog> decode_log_file(const std::string& path, const std::string& decoder,
                                   const DecoderCatalog& catalog);

}  // namespace vigil
