// ASCII character classes the finders share. Bytes >= 0x80 are never word
// characters, matching the ASCII `\b` of the regexes these finders replace.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Where the run of class bytes starting at i ends. Tokens (JWT parts, bearer
// credentials) run 20 to 500+ bytes and are unique, so scanned every time: 16
// bytes at a time where the text allows, through masks of the class.
namespace class_run_detail {
#if defined(__SSE2__)
inline __m128i in_range(__m128i v, char lo, char hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}
inline __m128i is(__m128i v, char c) {
  return _mm_cmpeq_epi8(v, _mm_set1_epi8(c));
}
// [A-Za-z0-9_]; bytes >= 0x80 compare as negative and fall outside every range.
inline __m128i word16(__m128i v) {
  return _mm_or_si128(_mm_or_si128(in_range(v, '0', '9'), in_range(v, 'A', 'Z')),
                      _mm_or_si128(in_range(v, 'a', 'z'), is(v, '_')));
}
#endif

template <typename Class16, typename Class>
size_t run_end(std::string_view s, size_t i, Class16 class16, Class in_class) {
#if defined(__SSE2__)
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(class16(v)));
    if (mask != 0xFFFF) return i + static_cast<size_t>(__builtin_ctz(~mask));
  }
#else
  (void)class16;
#endif
  while (i < s.size() && in_class(s[i])) ++i;
  return i;
}
}  // namespace class_run_detail

// [A-Za-z0-9_-]: base64url.
inline size_t b64url_run(std::string_view s, size_t i) {
  using namespace class_run_detail;
#if defined(__SSE2__)
  const auto class16 = [](__m128i v) { return _mm_or_si128(word16(v), is(v, '-')); };
#else
  const auto class16 = nullptr;
#endif
  return run_end(s, i, class16, is_b64url);
}
// is_token_char: base64 and RFC 6750 b64token.
inline size_t token_run(std::string_view s, size_t i) {
  using namespace class_run_detail;
#if defined(__SSE2__)
  const auto class16 = [](__m128i v) {
    const __m128i marks =
        _mm_or_si128(_mm_or_si128(is(v, '-'), is(v, '.')), _mm_or_si128(is(v, '~'), is(v, '+')));
    return _mm_or_si128(_mm_or_si128(word16(v), marks), _mm_or_si128(is(v, '/'), is(v, '=')));
  };
#else
  const auto class16 = nullptr;
#endif
  return run_end(s, i, class16, is_token_char);
}

}  // namespace vigil::sanitize_detail
