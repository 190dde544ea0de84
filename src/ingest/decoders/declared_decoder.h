// Decoders declared in YAML with no C++: a regex (RE2, named groups), key=value
// pairs, or CSV columns, each mapped to canonical fields.
#pragma once

#include <memory>

#include "config/config.h"
#include "core/error.h"
#include "ingest/decoders/decoder.h"

namespace vigil::decode {

// Errors: kConfig when the pattern does not compile or has no named group.
Result<std::unique_ptr<Decoder>> make_declared_decoder(const DeclaredDecoderConfig& config);

// Any time text a log may carry: RFC 3339, epoch seconds/ms, CLF
// ("10/Oct/2000:13:55:36 -0700"), BSD syslog ("Oct 10 13:55:36", year inferred).
std::optional<Timestamp> parse_any_time(std::string_view s, Timestamp reference);

}  // namespace vigil::decode
