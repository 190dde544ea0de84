#include "detect/regex_length.h"

#include <algorithm>
#include <optional>

namespace vigil::sigma {
namespace {

constexpr size_t kCap = size_t{1} << 30;

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

// Recursive descent over RE2's syntax; nullopt for anything it does not
// know, which the caller turns into "no bound".
class Reader {
 public:
  explicit Reader(std::string_view p) : p_(p) {}

  std::optional<size_t> whole() {
    auto n = alternation();
    if (!n || i_ != p_.size()) return std::nullopt;
    return n;
  }

 private:
  // The shortest branch of `a|b|c`, up to a closing parenthesis or the end.
  std::optional<size_t> alternation() {
    auto best = sequence();
    while (best && i_ < p_.size() && p_[i_] == '|') {
      ++i_;
      const auto next = sequence();
      if (!next) return std::nullopt;
      best = std::min(*best, *next);
    }
    return best;
  }

  std::optional<size_t> sequence() {
    size_t total = 0;
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      auto atom = this->atom();
      if (!atom) return std::nullopt;
      auto n = repeated(*atom);
      if (!n) return std::nullopt;
      total = std::min(kCap, total + *n);
    }
    return total;
  }

  // `*` `+` `?` `{n}` `{n,}` `{n,m}`, each optionally lazy (`?`).
  std::optional<size_t> repeated(size_t n) {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '*' || c == '?') {
        n = 0;
        ++i_;
      } else if (c == '+') {
        ++i_;
      } else if (c == '{') {
        const auto min = repetition();
        if (!min) break;  // not a repetition: a literal `{`, read as the next atom
        n = *min == 0 ? 0 : std::min(kCap, n * *min);
      } else {
        break;
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;
    }
    return n;
  }

  // The minimum count of a `{n...}` at i_, consumed; nullopt (nothing
  // consumed) when the brace does not start a repetition.
  std::optional<size_t> repetition() {
    size_t j = i_ + 1, min = 0;
    const size_t start = j;
    while (j < p_.size() && digit(p_[j])) min = std::min(kCap, min * 10 + size_t(p_[j++] - '0'));
    if (j == start) return std::nullopt;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      while (j < p_.size() && digit(p_[j])) ++j;
    }
    if (j >= p_.size() || p_[j] != '}') return std::nullopt;
    i_ = j + 1;
    return min;
  }

  std::optional<size_t> atom() {
    const char c = p_[i_];
    switch (c) {
      case '(':
        return group();
      case '[':
        return char_class();
      case '\\':
        return escape();
      case '^':
      case '$':
        ++i_;
        return 0;
      case '*':
      case '+':
      case '?':
        return std::nullopt;
      default:
        ++i_;
        while (i_ < p_.size() && continuation(p_[i_])) ++i_;  // one UTF-8 character
        return 1;
    }
  }

  std::optional<size_t> group() {
    ++i_;
    if (i_ < p_.size() && p_[i_] == '?') {
      ++i_;
      if (i_ < p_.size() && (p_[i_] == 'P' || p_[i_] == '<')) {
        const auto close = p_.find('>', i_);
        if (close == std::string_view::npos) return std::nullopt;
        i_ = close + 1;
      } else {
        while (i_ < p_.size() && std::string_view("imsU-").find(p_[i_]) != std::string_view::npos)
          ++i_;
        if (i_ >= p_.size()) return std::nullopt;
        if (p_[i_] == ')') {  // flags only: `(?i)`
          ++i_;
          return 0;
        }
        if (p_[i_] != ':') return std::nullopt;
        ++i_;
      }
    }
    auto inner = alternation();
    if (!inner || i_ >= p_.size() || p_[i_] != ')') return std::nullopt;
    ++i_;
    return inner;
  }

  // One character, whatever the class holds.
  std::optional<size_t> char_class() {
    ++i_;
    if (i_ < p_.size() && p_[i_] == '^') ++i_;
    if (i_ < p_.size() && p_[i_] == ']') ++i_;
    while (i_ < p_.size() && p_[i_] != ']') {
      if (p_.substr(i_, 2) == "[:") {
        const auto close = p_.find(":]", i_ + 2);
        if (close == std::string_view::npos) return std::nullopt;
        i_ = close + 2;
      } else if (p_[i_] == '\\') {
        if (!skip_escape()) return std::nullopt;
      } else {
        ++i_;
      }
    }
    if (i_ >= p_.size()) return std::nullopt;
    ++i_;
    return 1;
  }

  std::optional<size_t> escape() {
    if (i_ + 1 >= p_.size()) return std::nullopt;
    const char c = p_[i_ + 1];
    if (c == 'b' || c == 'B' || c == 'A' || c == 'z') {
      i_ += 2;
      return 0;
    }
    if (c == 'Q' || c == 'E' || c == 'Z' || c == 'G') return std::nullopt;
    if (!skip_escape()) return std::nullopt;
    return 1;
  }

  // Past one escape of one character (`\.`, `\d`, `\x41`, `\x{263a}`,
  // `\pL`, `\p{Greek}`, `\101`).
  bool skip_escape() {
    if (i_ + 1 >= p_.size()) return false;
    const char c = p_[i_ + 1];
    i_ += 2;
    if (c == 'x' || c == 'p' || c == 'P') {
      if (i_ < p_.size() && p_[i_] == '{') {
        const auto close = p_.find('}', i_);
        if (close == std::string_view::npos) return false;
        i_ = close + 1;
        return true;
      }
      i_ += c == 'x' ? 2 : 1;
      return i_ <= p_.size();
    }
    if (digit(c)) {
      for (int k = 0; k < 2 && i_ < p_.size() && digit(p_[i_]); ++k) ++i_;
      return true;
    }
    while (i_ < p_.size() && continuation(p_[i_])) ++i_;
    return true;
  }

  std::string_view p_;
  size_t i_ = 0;
};

}  // namespace

size_t regex_min_length(std::string_view pattern) {
  return Reader(pattern).whole().value_or(0);
}

}  // namespace vigil::sigma
