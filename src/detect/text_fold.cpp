#include "detect/text_fold.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil::sigma {
namespace {

// glibc's C.UTF-8 locale carries the Unicode case tables; the plain "C"
// locale would only fold ASCII.
locale_t unicode_locale() {
  static const locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return l;
  }();
  return loc;
}

bool decode(std::string_view s, size_t i, size_t len, char32_t& cp) {
  if (i + len > s.size()) return false;
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return false;
  }
  if (len == 2) cp = ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
  if (len == 3) cp = ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  if (len == 4) {
    cp = ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
  return true;
}

// Writes cp's UTF-8 form into buf; returns its length.
size_t encode(char32_t cp, char* buf) {
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (cp >> 18));
  buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

char32_t lower(char32_t cp) {
  const locale_t loc = unicode_locale();
  if (loc == static_cast<locale_t>(nullptr)) return cp;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc));
}

}  // namespace

namespace {

bool ascii_upper(unsigned char c) {
  return static_cast<unsigned char>(c - 'A') < 26;
}

// Folds the run of ASCII bytes at the start of in[0, n) into o (room for n
// bytes); returns its length. 16 bytes at a time with SSE2 (x86-64's
// baseline): most event text is ASCII, and folding it byte by byte was the
// largest single cost of matching the SigmaHQ tree on Windows events (GCC
// does not vectorize the loop).
size_t fold_ascii_run(const unsigned char* in, size_t n, unsigned char* o) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i before_a = _mm_set1_epi8('A' - 1), after_z = _mm_set1_epi8('Z' + 1);
  const __m128i to_lower = _mm_set1_epi8(32);
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    if (_mm_movemask_epi8(v) != 0) break;  // a non-ASCII byte
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
    v = _mm_add_epi8(v, _mm_and_si128(upper, to_lower));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + i), v);
  }
  // The last partial block as the 16 bytes that end the text (folding a
  // byte twice gives the same byte): most field texts are 16-100 bytes, and
  // their tails took a step a byte.
  if (i < n && n >= 16 && i + 16 > n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + n - 16));
    if (_mm_movemask_epi8(v) == 0) {
      const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
      v = _mm_add_epi8(v, _mm_and_si128(upper, to_lower));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + n - 16), v);
      return n;
    }
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = in[i];
    if (c >= 0x80) break;
    o[i] = static_cast<unsigned char>(ascii_upper(c) ? c + 32 : c);
  }
  return i;
}

}  // namespace

// ASCII runs go through fold_ascii_run; each other character is decoded,
// lowered and encoded (its lower case may be longer: `out` grows then).
void fold_case_into(std::string_view s, std::string& out) {
  const auto* in = reinterpret_cast<const unsigned char*>(s.data());
  out.resize(s.size());
  size_t i = 0, w = 0;
  while (true) {
    const size_t run =
        fold_ascii_run(in + i, s.size() - i, reinterpret_cast<unsigned char*>(out.data()) + w);
    i += run;
    w += run;
    if (i == s.size()) break;
    const size_t len = utf8_length(in[i]);
    char32_t cp = 0;
    char buf[4];
    size_t n = 1;
    if (len == 1 || !decode(s, i, len, cp)) {
      buf[0] = static_cast<char>(in[i]);  // invalid UTF-8: kept as it is
      i += 1;
    } else {
      n = encode(lower(cp), buf);
      i += len;
    }
    if (out.size() - w < n + (s.size() - i)) out.resize(w + n + (s.size() - i));
    std::copy(buf, buf + n, out.data() + w);
    w += n;
  }
  out.resize(w);
}

namespace {

// The length of the run of ASCII bytes at the start of p[0, n).
size_t ascii_run(const unsigned char* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const auto load = [p](size_t at) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
  };
  for (; i + 64 <= n; i += 64) {  // 64 bytes a step while all are ASCII
    const __m128i high =
        _mm_or_si128(_mm_or_si128(load(i), load(i + 16)), _mm_or_si128(load(i + 32), load(i + 48)));
    if (_mm_movemask_epi8(high) != 0) break;
  }
  for (; i + 16 <= n; i += 16) {
    const auto high = _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
    if (high != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(high)));
  }
#endif
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

size_t fold_non_ascii_in_place(char* s, size_t size) {
  auto* p = reinterpret_cast<unsigned char*>(s);
  const std::string_view text(s, size);
  size_t i = 0;
  while (true) {
    i += ascii_run(p + i, size - i);
    if (i == size) return size;
    const size_t len = utf8_length(p[i]);
    char32_t cp = 0;
    if (len == 1 || !decode(text, i, len, cp)) {
      i += 1;  // invalid UTF-8: kept as it is, as fold_case_into does
      continue;
    }
    char buf[4];
    if (encode(lower(cp), buf) != len) return i;
    std::copy(buf, buf + len, s + i);
    i += len;
  }
}

bool is_ascii(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
#if defined(__SSE2__)
  const auto load = [p](size_t at) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
  };
  __m128i high = _mm_setzero_si128();
  for (; i + 64 <= s.size(); i += 64) {
    high = _mm_or_si128(high, _mm_or_si128(_mm_or_si128(load(i), load(i + 16)),
                                           _mm_or_si128(load(i + 32), load(i + 48))));
  }
  for (; i + 16 <= s.size(); i += 16) high = _mm_or_si128(high, load(i));
  if (_mm_movemask_epi8(high) != 0) return false;
#endif
  unsigned char rest = 0;
  for (; i < s.size(); ++i) rest |= p[i];
  return rest < 0x80;
}

std::string fold_case(std::string_view s) {
  std::string out;
  fold_case_into(s, out);
  return out;
}

}  // namespace vigil::sigma
