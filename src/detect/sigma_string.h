// A Sigma string value: literal text with the wildcards `*` and `?`, after
// the escaping rules of the specification are applied (`\*` and `\?` are
// literal, `\\` is one backslash, any other backslash is literal). Value
// modifiers (windash, base64, utf16...) transform it before it is compiled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::sigma {

struct Piece {
  enum class Kind { kText, kStar, kOne };
  Kind kind = Kind::kText;
  std::string text;  // only for kText
  friend bool operator==(const Piece&, const Piece&) = default;
};

class SigmaString {
 public:
  SigmaString() = default;
  // Parses a rule value, applying the escaping rules.
  static SigmaString parse(std::string_view raw);
  // Literal text without wildcards (e.g. a base64 result).
  static SigmaString literal(std::string_view text);

  const std::vector<Piece>& pieces() const { return pieces_; }
  bool has_wildcards() const;
  bool starts_with_star() const;
  bool ends_with_star() const;
  // The literal text when there are no wildcards.
  std::string text() const;

  void append_text(std::string_view text);
  void append_wildcard(Piece::Kind kind);
  void prepend_star();
  void append_star();

 private:
  std::vector<Piece> pieces_;
};

// Value modifiers that rewrite the string; each returns the alternatives
// (OR) the value expands to.
std::vector<SigmaString> expand_windash(const SigmaString& s);
enum class Utf16 { kLittleEndian, kBigEndian, kWithBom };
SigmaString encode_utf16(const SigmaString& s, Utf16 form);
std::string base64_encode(std::string_view bytes);
// The three encodings a value takes inside a longer base64 text, depending
// on its offset modulo 3 (as pySigma's base64offset).
std::vector<std::string> base64_offsets(std::string_view bytes);

}  // namespace vigil::sigma
