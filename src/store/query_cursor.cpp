#include "store/query_cursor.h"

#include <fmt/format.h>

#include <charconv>

#include "store/day_file.h"

namespace vigil::store {
namespace {

constexpr std::string_view kVersion = "c1";
constexpr size_t kFieldChars = 16;

}  // namespace

std::string encode_cursor(const QueryCursor& c) {
  return fmt::format("{}{:016x}{:016x}{:016x}{:016x}", kVersion, static_cast<uint64_t>(c.day),
                     static_cast<uint64_t>(c.time), static_cast<uint64_t>(c.id), c.fingerprint);
}

Result<QueryCursor> decode_cursor(std::string_view text) {
  auto bad = [] { return make_error(ErrorCode::kInvalidInput, "invalid cursor"); };
  if (text.size() != kVersion.size() + 4 * kFieldChars || !text.starts_with(kVersion)) {
    return bad();
  }
  uint64_t fields[4];
  for (size_t i = 0; i < 4; ++i) {
    const char* begin = text.data() + kVersion.size() + i * kFieldChars;
    const char* end = begin + kFieldChars;
    for (const char* p = begin; p != end; ++p) {
      // from_chars would accept a leading '-' or uppercase; the encoder writes neither.
      if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return bad();
    }
    auto [p, ec] = std::from_chars(begin, end, fields[i], 16);
    if (ec != std::errc() || p != end) return bad();
  }
  QueryCursor c{static_cast<int64_t>(fields[0]), static_cast<int64_t>(fields[1]),
                static_cast<int64_t>(fields[2]), fields[3]};
  if (c.id <= 0 || day_number(Timestamp{c.time}) != c.day) return bad();
  return c;
}

}  // namespace vigil::store
