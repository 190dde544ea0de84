// A whole log file through one decoder, for the commands that look at
// decoded events directly (`vigil decode`, `vigil rules test --format`), and
// the file reading they share with `vigil replay`.
#pragma once

#include <zlib.h>

#include <optional>
#include <string>

#include "core/error.h"
#include "ingest/decoders/decoder.h"

namespace vigil {

// Opens `path` for gzread: gzip or plain, told apart by content; "-" is
// stdin. nullptr when it cannot be opened.
gzFile open_log(const std::string& path);

// Once gzread has returned its last bytes: the read error, if any. A gzip
// stream cut before its end is one (zlib's "unexpected end of file"), though
// gzread then returns 0 as at a clean end.
std::optional<Error> log_read_error(gzFile in, const std::string& path);

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
