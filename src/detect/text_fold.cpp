#include "detect/text_fold.h"

#include <locale.h>
#include <wctype.h>

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

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

char32_t lower(char32_t cp) {
  const locale_t loc = unicode_locale();
  if (loc == static_cast<locale_t>(nullptr)) return cp;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc));
}

}  // namespace

namespace {

// Folds the ASCII prefix of `s` into `out` (sized to fit); returns its length.
size_t fold_ascii_prefix(std::string_view s, std::string& out) {
  out.resize(s.size());
  size_t i = 0;
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) break;
    out[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out.resize(i);
  return i;
}

}  // namespace

void fold_case_into(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (size_t i = fold_ascii_prefix(s, out); i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      ++i;
      continue;
    }
    const size_t len = utf8_length(c);
    char32_t cp = 0;
    if (len == 1 || !decode(s, i, len, cp)) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    encode(lower(cp), out);
    i += len;
  }
}

std::string fold_case(std::string_view s) {
  std::string out;
  fold_case_into(s, out);
  return out;
}

}  // namespace vigil::sigma
