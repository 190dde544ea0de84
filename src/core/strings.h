// Small string helpers shared by every stage.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// A hash for string-keyed unordered containers that also takes string_view
// (with std::equal_to<>): lookups by a view of an event's text copy nothing.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

std::string ascii_lower(std::string_view s);
bool iequals_ascii(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);
// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);
// How many '\n' bytes `s` holds (memchr: many times faster than a byte loop on long text).
size_t count_newlines(std::string_view s);
// "30d", "12h", "90m", "3600s" or plain seconds; nullopt unless positive.
std::optional<int64_t> parse_duration_seconds(std::string_view text);

// Each byte's hex digit value ('0'-'9', 'a'-'f', 'A'-'F'), -1 for the others.
// A table, not compares: one load per character, and no branch to mispredict
// on random hex (IPv6 text, percent-escapes, auditd's hex values).
inline constexpr std::array<int8_t, 256> kHexDigitValues = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    t['a' + c] = static_cast<int8_t>(10 + c);
    t['A' + c] = static_cast<int8_t>(10 + c);
  }
  return t;
}();
inline int hex_digit_value(char c) {
  return kHexDigitValues[static_cast<unsigned char>(c)];
}

}  // namespace vigil
