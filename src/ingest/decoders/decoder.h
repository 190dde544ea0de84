// Decoders turn the logs people already have (syslog, sshd, web access logs,
// Windows event JSON, CloudTrail, Zeek, auditd, or a YAML-declared format)
// into events with canonical ECS fields. One decoder instance per thread;
// `make_decoder` builds one by name, the same names for every source, for
// `replay --format` and `rules test --format`.
//
// A line that does not decode is never dropped: it becomes an event holding
// `event.original` plus `error.type: parse_error` (counted in `flagged`).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "ingest/event_decoder.h"

namespace vigil {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Decodes a chunk of whole lines (or one whole document, for the JSON
  // formats); `first_line` numbers the chunk's first line in its file.
  virtual void decode(std::string_view chunk, size_t first_line, Timestamp received,
                      DecodeResult& out) = 0;
};

// Everything a decoder may need from the configuration.
struct DecoderCatalog {
  IngestConfig ingest;
  std::vector<DeclaredDecoderConfig> declared;  // `decoders:` in the YAML
  int year = 0;  // syslog timestamps without a year: 0 = infer from the receive time
};

DecoderCatalog decoder_catalog(const Config& config);

// The built-in decoder names, in the order `vigil decode --help` lists them.
const std::vector<std::string>& builtin_decoder_names();
bool decoder_exists(const DecoderCatalog& catalog, std::string_view name);
// Errors: kConfig for an unknown name or a declared decoder that does not compile.
Result<std::unique_ptr<Decoder>> make_decoder(std::string_view name, const DecoderCatalog& catalog);

}  // namespace vigil
