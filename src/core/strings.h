// Small string helpers shared by every stage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

std::string ascii_lower(std::string_view s);
bool iequals_ascii(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);
// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);
// How many '\n' bytes `s` holds (memchr: many times faster than a byte loop on long text).
size_t count_newlines(std::string_view s);
// "30d", "12h", "90m", "3600s" or plain seconds; nullopt unless positive.
std::optional<int64_t> parse_duration_seconds(std::string_view text);

}  // namespace vigil
