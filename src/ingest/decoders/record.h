// What every decoder shares: building an ECS document field by field,
// walking a chunk line by line, and keeping a line that did not decode.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/event.h"
#include "ingest/event_decoder.h"

namespace vigil::decode {

// Sets a dotted path ("source.ip"), creating the objects on the way.
void put(Value& doc, std::string_view dotted, Value v);
// 1..12 for "Jan".."Dec", 0 for anything else.
int month_from_abbrev(std::string_view m);

// An event from a decoded document; without a time it takes the receive time.
Event make_event(Value doc, std::optional<Timestamp> time, Timestamp received);

// The line kept as `event.original` with `error.type: parse_error` and the
// reason in `error.message`; counted in out.flagged.
void keep_unparsed(std::string_view line, std::string_view why, Timestamp received,
                   DecodeResult& out);

// Bytes that are not UTF-8 replaced by U+FFFD, so a line always fits in JSON.
std::string repair_utf8(std::string_view s);

// Calls fn(line, line_number) for each non-blank line of the chunk, without
// its line end (\n or \r\n); invalid UTF-8 is repaired first.
template <typename Fn>
void for_each_line(std::string_view chunk, size_t first_line, Fn&& fn);

// Lines longer than this are cut and flagged rather than decoded.
inline constexpr size_t kMaxLineBytes = 1 << 20;

bool valid_utf8_line(std::string_view s);

template <typename Fn>
void for_each_line(std::string_view chunk, size_t first_line, Fn&& fn) {
  size_t line_no = first_line;
  size_t pos = 0;
  while (pos < chunk.size()) {
    size_t end = chunk.find('\n', pos);
    if (end == std::string_view::npos) end = chunk.size();
    std::string_view line = chunk.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = true;
    for (char c : line) {
      if (c != ' ' && c != '\t') {
        blank = false;
        break;
      }
    }
    if (!blank) {
      if (valid_utf8_line(line)) {
        fn(line, line_no);
      } else {
        const std::string fixed = repair_utf8(line);
        fn(std::string_view(fixed), line_no);
      }
    }
    pos = end + 1;
    ++line_no;
  }
}

}  // namespace vigil::decode
