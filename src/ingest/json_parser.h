// Parses one JSON event (an object) into a Value, enforcing the limits that
// keep hostile input from costing more than it is worth: nesting depth, the
// size of one string and of the whole event. One parser per thread.
#pragma once

#include <cstdint>
#include <memory>
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
  explicit JsonEventParser(ParseLimits limits);
  ~JsonEventParser();
  JsonEventParser(JsonEventParser&&) noexcept;
  JsonEventParser& operator=(JsonEventParser&&) noexcept;

  // Parses `text` (one JSON document) into an object Value. `readable_after`
  // is how many bytes of the caller's buffer follow `text` (read, never
  // changed): with simdjson's padding there, the text is parsed where it is
  // instead of being copied into a padded buffer first.
  tl::expected<Value, ParseFailure> parse(std::string_view text, size_t readable_after = 0);

 private:
  // simdjson stays out of this header: its 1.2 MB header cost every
  // translation unit that decodes events a second of compiling, and its
  // classes change layout with the optimization level (development checks
  // when __OPTIMIZE__ is undefined), which broke tests built at -O0 against
  // the library's -O1 objects.
  struct Simdjson;

  ParseLimits limits_;
  std::unique_ptr<Simdjson> simdjson_;
};

}  // namespace vigil
