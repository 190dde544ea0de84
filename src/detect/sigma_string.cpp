#include "detect/sigma_string.h"

#include "detect/text_fold.h"

namespace vigil::sigma {

SigmaString SigmaString::parse(std::string_view raw) {
  SigmaString out;
  std::string text;
  const auto flush = [&] {
    if (!text.empty()) out.append_text(text);
    text.clear();
  };
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
      text.push_back(raw[++i]);
    } else if (c == '*' || c == '?') {
      flush();
      out.append_wildcard(c == '*' ? Piece::Kind::kStar : Piece::Kind::kOne);
    } else {
      text.push_back(c);
    }
  }
  flush();
  return out;
}

SigmaString SigmaString::literal(std::string_view text) {
  SigmaString out;
  if (!text.empty()) out.append_text(text);
  return out;
}

bool SigmaString::has_wildcards() const {
  for (const auto& p : pieces_) {
    if (p.kind != Piece::Kind::kText) return true;
  }
  return false;
}

bool SigmaString::starts_with_star() const {
  return !pieces_.empty() && pieces_.front().kind == Piece::Kind::kStar;
}

bool SigmaString::ends_with_star() const {
  return !pieces_.empty() && pieces_.back().kind == Piece::Kind::kStar;
}

std::string SigmaString::text() const {
  std::string out;
  for (const auto& p : pieces_) out += p.text;
  return out;
}

void SigmaString::append_text(std::string_view text) {
  if (text.empty()) return;
  if (!pieces_.empty() && pieces_.back().kind == Piece::Kind::kText) {
    pieces_.back().text += text;
  } else {
    pieces_.push_back(Piece{Piece::Kind::kText, std::string(text)});
  }
}

void SigmaString::append_wildcard(Piece::Kind kind) {
  pieces_.push_back(Piece{kind, {}});
}

void SigmaString::prepend_star() {
  if (!starts_with_star()) pieces_.insert(pieces_.begin(), Piece{Piece::Kind::kStar, {}});
}

void SigmaString::append_star() {
  if (!ends_with_star()) pieces_.push_back(Piece{Piece::Kind::kStar, {}});
}

namespace {

// Python's \w for the windash boundary test; non-ASCII bytes count as word
// characters, as most of them are parts of letters.
bool is_word_byte(unsigned char c) {
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c >= 0x80;
}

constexpr std::string_view kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
constexpr size_t kMaxWindashVariants = 5 * 5 * 5 * 5 * 5 * 5;

// Splits a text piece at the dashes pySigma replaces: `\B[-/]\b`, i.e. a
// `-` or `/` not preceded by a word character and followed by one.
std::vector<std::string> split_at_windash(const std::string& text) {
  std::vector<std::string> parts{std::string()};
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool before_ok = i == 0 || !is_word_byte(static_cast<unsigned char>(text[i - 1]));
    const bool after_ok =
        i + 1 < text.size() && is_word_byte(static_cast<unsigned char>(text[i + 1]));
    if ((c == '-' || c == '/') && before_ok && after_ok) {
      parts.emplace_back();
    } else {
      parts.back().push_back(c);
    }
  }
  return parts;
}

}  // namespace

std::vector<SigmaString> expand_windash(const SigmaString& s) {
  std::vector<SigmaString> out{SigmaString()};
  for (const auto& piece : s.pieces()) {
    if (piece.kind != Piece::Kind::kText) {
      for (auto& o : out) o.append_wildcard(piece.kind);
      continue;
    }
    const auto parts = split_at_windash(piece.text);
    for (size_t k = 0; k < parts.size(); ++k) {
      if (k > 0) {
        if (out.size() * std::size(kDashes) > kMaxWindashVariants) return {s};
        std::vector<SigmaString> next;
        for (const auto& o : out) {
          for (auto dash : kDashes) {
            next.push_back(o);
            next.back().append_text(dash);
          }
        }
        out = std::move(next);
      }
      if (!parts[k].empty()) {
        for (auto& o : out) o.append_text(parts[k]);
      }
    }
  }
  return out;
}

namespace {

void push_unit(uint16_t unit, Utf16 form, std::string& out) {
  const char lo = static_cast<char>(unit & 0xFF);
  const char hi = static_cast<char>(unit >> 8);
  if (form == Utf16::kBigEndian) {
    out.push_back(hi);
    out.push_back(lo);
  } else {
    out.push_back(lo);
    out.push_back(hi);
  }
}

std::string to_utf16(std::string_view s, Utf16 form) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = std::min(utf8_length(c), s.size() - i);
    char32_t cp = c;
    if (len == 2) cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
    if (len == 3) cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    if (len == 4) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
           (s[i + 3] & 0x3F);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      push_unit(static_cast<uint16_t>(0xD800 + (cp >> 10)), form, out);
      push_unit(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)), form, out);
    } else {
      push_unit(static_cast<uint16_t>(cp), form, out);
    }
    i += len;
  }
  return out;
}

}  // namespace

SigmaString encode_utf16(const SigmaString& s, Utf16 form) {
  SigmaString out;
  if (form == Utf16::kWithBom) out.append_text("\xFF\xFE");
  const Utf16 body = form == Utf16::kWithBom ? Utf16::kLittleEndian : form;
  for (const auto& piece : s.pieces()) {
    if (piece.kind == Piece::Kind::kText) {
      out.append_text(to_utf16(piece.text, body));
    } else {
      out.append_wildcard(piece.kind);
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
            kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::vector<std::string> base64_offsets(std::string_view bytes) {
  // For a value preceded by i bytes, the first characters depend on those
  // unknown bytes (skip 0, 2 or 3) and so do the last ones, depending on
  // where the value ends inside a 3-byte group (keep all, drop 3 or 2).
  static constexpr size_t kStart[] = {0, 2, 3};
  static constexpr size_t kEndDrop[] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string encoded = base64_encode(std::string(i, ' ') + std::string(bytes));
    const size_t drop = kEndDrop[(bytes.size() + i) % 3];
    const size_t end = encoded.size() - drop;
    out.push_back(end > kStart[i] ? encoded.substr(kStart[i], end - kStart[i]) : std::string());
  }
  return out;
}

}  // namespace vigil::sigma
