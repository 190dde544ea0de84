// The opaque paging cursor: where the previous page ended (day file, event time, id in
// that file) plus the fingerprint of the query's filters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace vigil::store {

struct QueryCursor {
  int64_t day = 0;
  int64_t time = 0;  // micros; its day is `day`
  int64_t id = 0;
  uint64_t fingerprint = 0;
};

std::string encode_cursor(const QueryCursor& c);
// kInvalidInput for anything encode_cursor did not produce (or whose day and time
// disagree).
Result<QueryCursor> decode_cursor(std::string_view text);

}  // namespace vigil::store
