// Parses one JSON event (an object) into a Value, enforcing the limits that
// keep hostile input from costing more than it is worth: nesting depth, the
// size of one string and of the whole event. One parser per thread.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/reject_reason.h"
#include "core/value.h"

namespace vigil {

struct ParseLimits {
  int max_depth = 32;
  uint64_t max_field_bytes = 64 << 10;
  uint64_t max_event_bytes = 1 << 20;
};

struct ParseFailure {
  RejectReason reason;
  std::string message;
};

class JsonEventParser {
 public:
  explicit JsonEventParser(ParseLimits limits) : limits_(limits) {}

  // Parses `text` (one JSON document) into an object Value.
  tl::expected<Value, ParseFailure> parse(std::string_view text);

 private:
  ParseLimits limits_;
  simdjson::ondemand::parser parser_;
  simdjson::padded_string buffer_;  // reused: simdjson needs padding after the input
};

}  // namespace vigil
