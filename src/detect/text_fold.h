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

// For scans that ignore ASCII case (a caseless Hyperscan database): folds,
// in place, each non-ASCII character whose lower case is as long in UTF-8,
// and leaves ASCII bytes as they are. Returns s.size(), or the offset of the
// first character whose lower case has another length (before it, every
// character is folded; from it on, nothing is). Skipping the ASCII bytes 16
// at a time, it costs about what is_ascii() does: the joined texts of a
// Windows event are kilobytes, with a `®` in half of them.
size_t fold_non_ascii_in_place(char* s, size_t size);

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid).
inline size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace vigil::sigma
