// ASCII character classes the finders share. Bytes >= 0x80 are never word
// characters, matching the ASCII `\b` of the regexes these finders replace.
#pragma once

#include <cstddef>
#include <string_view>

namespace vigil::sanitize_detail {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  const char l = static_cast<char>(c | 0x20);
  return l >= 'a' && l <= 'z';
}
inline bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
inline bool is_word(char c) {
  return is_digit(c) || is_alpha(c) || c == '_';
}
inline bool is_hex(char c) {
  const char l = static_cast<char>(c | 0x20);
  return is_digit(c) || (l >= 'a' && l <= 'f');
}
inline bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
inline bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
inline bool is_b64url(char c) {
  return is_word(c) || c == '-';
}
// Characters of HTTP credentials (RFC 6750 b64token, which includes base64).
inline bool is_token_char(char c) {
  return is_word(c) || c == '-' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

// `\b` helpers: is there a word character just before / at position i?
inline bool word_before(std::string_view s, size_t i) {
  return i > 0 && is_word(s[i - 1]);
}
inline bool word_at(std::string_view s, size_t i) {
  return i < s.size() && is_word(s[i]);
}

}  // namespace vigil::sanitize_detail
