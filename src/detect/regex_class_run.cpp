#include "detect/regex_class_run.h"

#include <optional>

namespace vigil::sigma {
namespace {

using Bytes = std::array<bool, 256>;

void set_range(Bytes& b, unsigned lo, unsigned hi) {
  for (unsigned c = lo; c <= hi; ++c) b[c] = true;
}

bool continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

// RE2's Perl classes, ASCII only: `\d`, `\w`, `\s` (and their negations,
// which take in every byte they do not name). False for another letter.
bool perl_class(char letter, Bytes& b) {
  Bytes named{};
  switch (letter | 0x20) {
    case 'd':
      set_range(named, '0', '9');
      break;
    case 'w':
      set_range(named, '0', '9');
      set_range(named, 'a', 'z');
      set_range(named, 'A', 'Z');
      named['_'] = true;
      break;
    case 's':
      for (const unsigned char c : {'\t', '\n', '\f', '\r', ' '}) named[c] = true;
      break;
    default:
      return false;
  }
  const bool negated = letter >= 'A' && letter <= 'Z';
  for (size_t c = 0; c < 256; ++c) b[c] = b[c] || (named[c] != negated);
  return true;
}

// The byte an escape of one ASCII character stands for (`\.`, `\\`, `\t`);
// nullopt for any other escape (`\x41`, `\pL`, `\Q`, ...).
std::optional<unsigned char> escaped_byte(char c) {
  switch (c) {
    case 't':
      return '\t';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 'f':
      return '\f';
    case 'v':
      return '\v';
    default:
      break;
  }
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x80 && !alnum(u)) return u;
  return std::nullopt;
}

class Reader {
 public:
  explicit Reader(std::string_view p) : p_(p) {}

  // False when the pattern has what the reader does not read, or `|`
  // outside groups (then no top-level item is necessary).
  bool read(ClassRun& longest, bool& ignores_case) {
    size_t depth = 0;
    while (i_ < p_.size()) {
      const char c = p_[i_];
      std::optional<Bytes> cls;
      if (c == '[') {
        cls = char_class();
        if (!cls) return false;
      } else if (c == '\\') {
        if (!escape(cls)) return false;
      } else if (c == '(') {
        ++depth;
        ignores_case = group_flags() || ignores_case;
        continue;
      } else if (c == ')') {
        if (depth == 0) return false;
        --depth;
        ++i_;
        continue;
      } else if (c == '|') {
        if (depth == 0) return false;
        ++i_;
        continue;
      } else if (c == '{') {
        if (!repetition()) ++i_;  // a literal `{`
        continue;
      } else {
        ++i_;
        continue;
      }
      if (!cls || depth != 0 || i_ >= p_.size() || p_[i_] != '{') continue;
      const auto min = repetition();
      if (!min) continue;
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy: the same minimum
      const bool repeated_again =
          i_ < p_.size() && std::string_view("*+?{").find(p_[i_]) != std::string_view::npos;
      if (!repeated_again && *min > longest.length) {
        longest.length = *min;
        longest.bytes = *cls;
      }
    }
    return depth == 0;
  }

 private:
  // At `(`: past it and any `?flags`; whether the flags turn on `i`.
  bool group_flags() {
    ++i_;
    if (i_ >= p_.size() || p_[i_] != '?') return false;
    bool fold = false;
    for (size_t j = i_ + 1; j < p_.size() && p_[j] != ':' && p_[j] != ')'; ++j) {
      if (p_[j] == '-') break;  // flags turned off
      fold = fold || p_[j] == 'i';
    }
    return fold;
  }

  // At `\`, outside a class: a Perl class, or a character or assertion
  // skipped; false for an escape not read.
  bool escape(std::optional<Bytes>& cls) {
    if (i_ + 1 >= p_.size()) return false;
    const char c = p_[i_ + 1];
    i_ += 2;
    Bytes b{};
    if (perl_class(c, b)) {
      cls = b;
      return true;
    }
    return c == 'b' || c == 'B' || c == 'A' || c == 'z' || escaped_byte(c).has_value();
  }

  // At `{`: the minimum of `{n}`, `{n,}`, `{n,m}`, consumed; nullopt (nothing
  // consumed) when the brace starts no repetition.
  std::optional<size_t> repetition() {
    size_t j = i_ + 1, min = 0;
    const size_t digits = j;
    while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9' && min < 100000)
      min = min * 10 + static_cast<size_t>(p_[j++] - '0');
    if (j == digits) return std::nullopt;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') ++j;
    }
    if (j >= p_.size() || p_[j] != '}') return std::nullopt;
    i_ = j + 1;
    return min;
  }

  // One member's byte at i_ (an ASCII character or a one-character escape),
  // consumed; nullopt for what the reader does not read.
  std::optional<unsigned char> member_byte() {
    if (p_[i_] != '\\') return static_cast<unsigned char>(p_[i_++]);
    if (i_ + 1 >= p_.size()) return std::nullopt;
    const auto b = escaped_byte(p_[i_ + 1]);
    i_ += 2;
    return b;
  }

  // At `[`: the class, consumed through its `]`.
  std::optional<Bytes> char_class() {
    ++i_;
    Bytes b{};
    const bool negated = i_ < p_.size() && p_[i_] == '^';
    if (negated) ++i_;
    for (bool first = true; i_ < p_.size() && (first || p_[i_] != ']'); first = false) {
      if (p_.substr(i_, 2) == "[:") return std::nullopt;  // POSIX classes: not read
      if (p_[i_] == '\\' && i_ + 1 < p_.size() && perl_class(p_[i_ + 1], b)) {
        i_ += 2;
        continue;
      }
      if (static_cast<unsigned char>(p_[i_]) >= 0x80) {  // a non-ASCII character
        set_range(b, 0x80, 0xFF);
        for (++i_; i_ < p_.size() && continuation(p_[i_]);) ++i_;
        continue;
      }
      const auto lo = member_byte();
      if (!lo) return std::nullopt;
      if (i_ + 1 >= p_.size() || p_[i_] != '-' || p_[i_ + 1] == ']') {
        b[*lo] = true;
        continue;
      }
      ++i_;  // a range
      if (static_cast<unsigned char>(p_[i_]) >= 0x80) return std::nullopt;
      const auto hi = member_byte();
      if (!hi || *hi < *lo) return std::nullopt;
      set_range(b, *lo, *hi);
    }
    if (i_ >= p_.size()) return std::nullopt;
    ++i_;
    if (negated) {
      for (auto& in : b) in = !in;
      // Negating cleared the bytes a named non-ASCII member set, but [^é] still
      // matches every other non-ASCII character: their bytes stay in the class.
      set_range(b, 0x80, 0xFF);
    }
    return b;
  }

  std::string_view p_;
  size_t i_ = 0;
};

// Both cases of each ASCII letter, and every byte from 0x80 up: under
// Unicode folding `k` matches the Kelvin sign, `s` the long s.
void fold(Bytes& b) {
  for (unsigned c = 'a'; c <= 'z'; ++c) {
    const bool either = b[c] || b[c - 32];
    b[c] = b[c - 32] = either;
  }
  set_range(b, 0x80, 0xFF);
}

}  // namespace

ClassRun regex_class_run(std::string_view pattern, bool case_sensitive) {
  ClassRun run;
  bool ignores_case = !case_sensitive;
  if (!Reader(pattern).read(run, ignores_case)) return {};
  if (ignores_case) fold(run.bytes);
  return run;
}

bool ClassRun::found_in(std::string_view text) const {
  if (length == 0) return true;
  const auto in = [&](size_t k) { return bytes[static_cast<unsigned char>(text[k])]; };
  // Invariant: no run of `length` ends before byte p.
  size_t p = length - 1;
  while (p < text.size()) {
    if (!in(p)) {
      p += length;
      continue;
    }
    size_t start = p;
    while (start > 0 && p - start + 1 < length && in(start - 1)) --start;
    size_t end = p + 1;
    while (end < text.size() && end - start < length && in(end)) ++end;
    if (end - start >= length) return true;
    p = end + length;  // [start, end) is a whole run, too short
  }
  return false;
}

}  // namespace vigil::sigma
