// A read position in one line of text, for decoders that take lines apart by
// hand (faster than a regex per line and without backtracking surprises).
#pragma once

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace vigil::decode {

class TextCursor {
 public:
  explicit TextCursor(std::string_view s) : s_(s) {}

  std::string_view rest() const { return s_; }
  bool done() const { return s_.empty(); }
  bool starts_with(std::string_view p) const { return s_.substr(0, p.size()) == p; }
  // Consumes `p` when the text starts with it.
  bool eat(std::string_view p) {
    if (!starts_with(p)) return false;
    s_.remove_prefix(p.size());
    return true;
  }
  void skip_spaces() {
    while (!s_.empty() && s_.front() == ' ') s_.remove_prefix(1);
  }
  // The next space-delimited word (spaces before it skipped).
  std::string_view word() {
    skip_spaces();
    const size_t n = std::min(s_.find(' '), s_.size());  // memchr: words can be long (URLs)
    const std::string_view w = s_.substr(0, n);
    s_.remove_prefix(n);
    return w;
  }
  // Everything up to `sep` (consumed, not returned); nullopt when absent.
  std::optional<std::string_view> until(std::string_view sep) {
    const size_t at = s_.find(sep);
    if (at == std::string_view::npos) return std::nullopt;
    const std::string_view head = s_.substr(0, at);
    s_.remove_prefix(at + sep.size());
    return head;
  }

 private:
  std::string_view s_;
};

inline std::optional<int64_t> to_int(std::string_view s) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Strips " [preauth]" and trailing spaces sshd leaves at the end.
inline std::string_view strip_trailer(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.size() >= 9 && s.substr(s.size() - 9) == "[preauth]") s.remove_suffix(9);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// True for a dotted IPv4 or an IPv6 literal (hex digits, colons, dots).
inline bool looks_like_ip(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  bool colon = false, dot = false, letter = false;
  for (char c : s) {
    if (static_cast<unsigned char>(c - '0') <= 9) continue;  // most bytes: one test
    if (c == ':') {
      colon = true;
    } else if (c == '.') {
      dot = true;
    } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
      letter = true;
    } else {
      return false;
    }
  }
  return colon || (dot && !letter);  // without a colon: digits and dots only
}

}  // namespace vigil::decode
