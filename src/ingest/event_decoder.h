// Turns a request body or a chunk of a file into events: NDJSON (one object
// per line), a JSON array of objects, or one (possibly pretty-printed) object.
// Each bad line or element is reported with its line number; the rest is kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/event.h"
#include "core/field_path.h"
#include "ingest/json_parser.h"

namespace vigil {

struct LineError {
  size_t line = 0;  // 1-based line in the body or file
  RejectReason reason = RejectReason::kParseError;
  std::string error;
};

struct DecodeResult {
  std::vector<Event> events;
  std::vector<LineError> errors;
  size_t read = 0;     // events seen: accepted + rejected
  size_t flagged = 0;  // accepted, but kept as event.original with a parse-error flag
  size_t lines = 0;    // lines of an NDJSON body read (its newlines, plus an unterminated last)
};

enum class BodyFormat {
  kAuto,    // object, array of objects, or NDJSON, told apart by content
  kNdjson,  // one object per line, always
};

// One decoder per thread (it owns a JSON parser and its buffers).
class EventDecoder {
 public:
  explicit EventDecoder(const IngestConfig& config);

  // `first_line` is the line number of the body's first line (for chunks of a file).
  // `readable_after`: bytes of the caller's buffer after `body` (a slice of a
  // chunk is followed by the rest of it), which the JSON parser may read past
  // a line's end instead of copying the line (JsonEventParser::parse).
  void decode(std::string_view body, BodyFormat format, size_t first_line, Timestamp received,
              DecodeResult& out, size_t readable_after = 0);

 private:
  void decode_ndjson(std::string_view body, size_t readable_after, size_t first_line,
                     Timestamp received, DecodeResult& out);
  bool decode_array(std::string_view body, size_t first_line, Timestamp received,
                    DecodeResult& out);
  void decode_one(std::string_view text, size_t readable_after, size_t line, Timestamp received,
                  DecodeResult& out);
  Event make_event(Value doc, Timestamp received) const;

  JsonEventParser parser_;
  FieldPath timestamp_field_;
  FieldPath fallback_timestamp_field_{"@timestamp"};
  FieldPath severity_field_{"severity"};
};

}  // namespace vigil
