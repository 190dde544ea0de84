// Case folding for Sigma's default case-insensitive matching. Rules and
// events are UTF-8; folding must cover non-ASCII letters too (`É` == `é`),
// not only A-Z, or Cyrillic and accented paths slip past rules.
#pragma once

#include <string>
#include <string_view>

namespace vigil::sigma {

// Simple (one-to-one) Unicode lower-case mapping of every code point. Invalid
// UTF-8 bytes are kept as they are. ASCII-only input takes a fast path.
std::string fold_case(std::string_view s);
void fold_case_into(std::string_view s, std::string& out);

// Whether every byte is below 0x80 (64 bytes a step: the keyword scan asks
// it of every event's texts joined, kilobytes on Windows events).
bool is_ascii(std::string_view s);

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid).
inline size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace vigil::sigma
