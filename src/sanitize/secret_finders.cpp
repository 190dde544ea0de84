// Finders for secrets that follow a keyword: passwords, HTTP credentials and
// the values of sensitive-key assignments in text.
#include <algorithm>

#include "sanitize/char_class.h"
#include "sanitize/finders.h"

namespace vigil::sanitize_detail {
namespace {

constexpr size_t kMaxKeywordTail = 32;
constexpr size_t kMaxIdentifier = 64;
constexpr size_t kMinBearerToken = 8;

struct ValueStart {
  size_t pos;
  char quote;    // 0 when the value is bare
  bool escaped;  // the quote was written \" (JSON inside a JSON string)
};

// Reads an optional quote, possibly backslash-escaped, at i.
size_t read_quote(std::string_view s, size_t i, char* quote, bool* escaped) {
  *quote = 0;
  *escaped = i + 1 < s.size() && s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\'');
  const size_t q = *escaped ? i + 1 : i;
  if (q < s.size() && (s[q] == '"' || s[q] == '\'')) {
    *quote = s[q];
    return q + 1;
  }
  *escaped = false;
  return i;
}

// After a keyword: ["']? blanks [:=] blanks ["']? -> where the value starts.
std::optional<ValueStart> read_assignment(std::string_view s, size_t i) {
  char quote;
  bool escaped;
  i = read_quote(s, i, &quote, &escaped);  // the closing quote of a JSON key
  while (i < s.size() && is_blank(s[i])) ++i;
  if (i >= s.size() || (s[i] != ':' && s[i] != '=')) return std::nullopt;
  ++i;
  while (i < s.size() && is_blank(s[i])) ++i;
  i = read_quote(s, i, &quote, &escaped);
  return ValueStart{i, quote, escaped};
}

// End of a quoted value: the closing quote, else the end of the string (an
// unterminated value is still a secret).
size_t quoted_end(std::string_view s, size_t i, char quote, bool escaped) {
  for (; i < s.size(); ++i) {
    if (s[i] == '\\') {
      if (escaped && i + 1 < s.size() && s[i + 1] == quote) return i;
      ++i;
    } else if (s[i] == quote && !escaped) {
      return i;
    }
  }
  return s.size();
}

// End of a bare value. ';' and '&' end it because connection strings
// (Password=x;Database=y) and query strings (password=x&user=y) use them.
size_t bare_end(std::string_view s, size_t i, bool stop_at_comma) {
  while (i < s.size() && !is_space(s[i]) && s[i] != '"' && s[i] != '\'' && s[i] != ';' &&
         s[i] != '&' && !(stop_at_comma && s[i] == ',')) {
    ++i;
  }
  return i;
}

size_t value_end(std::string_view s, const ValueStart& v, bool stop_at_comma) {
  return v.quote != 0 ? quoted_end(s, v.pos, v.quote, v.escaped)
                      : bare_end(s, v.pos, stop_at_comma);
}

size_t skip_identifier_tail(std::string_view s, size_t i) {
  const size_t limit = std::min(s.size(), i + kMaxKeywordTail);
  while (i < limit && (is_word(s[i]) || s[i] == '-')) ++i;
  return i;
}

bool identifier_char(char c) {
  return is_word(c) || c == '-' || c == '.';
}

std::optional<Span> non_empty(size_t begin, size_t end) {
  if (end <= begin) return std::nullopt;
  return Span{begin, end};
}

}  // namespace

std::optional<Span> find_password(std::string_view s, size_t begin, size_t end, KeyMode mode) {
  return find_key_assignment(s, begin, end, mode);
}

std::optional<Span> find_url_password(std::string_view s, size_t, size_t end) {
  auto stop = [](char c) {
    return is_space(c) || c == '/' || c == '@' || c == '?' || c == '#' || c == '"' || c == '\'';
  };
  size_t i = end;
  while (i < s.size() && !stop(s[i]) && s[i] != ':') ++i;  // user name
  if (i >= s.size() || s[i] != ':') return std::nullopt;
  const size_t begin = ++i;
  while (i < s.size() && !stop(s[i])) ++i;
  if (i >= s.size() || s[i] != '@') return std::nullopt;  // host:port, not credentials
  return non_empty(begin, i);
}

std::optional<Span> find_bearer(std::string_view s, size_t begin, size_t end) {
  if (word_before(s, begin) || end >= s.size() || !is_blank(s[end])) return std::nullopt;
  size_t i = end;
  while (i < s.size() && is_blank(s[i])) ++i;
  const size_t token = i;
  i = token_run(s, i);
  if (i - token < kMinBearerToken) return std::nullopt;
  return Span{token, i};
}

std::optional<Span> find_authorization(std::string_view s, size_t, size_t end) {
  auto v = read_assignment(s, skip_identifier_tail(s, end));
  if (!v) return std::nullopt;
  // A scheme word followed by a blank (Basic, Bearer, Digest, ...) stays readable.
  size_t w = v->pos;
  while (w < s.size() && is_alpha(s[w])) ++w;
  if (w > v->pos && w < s.size() && is_blank(s[w])) {
    while (w < s.size() && is_blank(s[w])) ++w;
    v->pos = w;
  }
  return non_empty(v->pos, value_end(s, *v, true));
}

std::optional<Span> find_key_assignment(std::string_view s, size_t begin, size_t end,
                                        KeyMode mode) {
  size_t first = begin;
  while (first > 0 && begin - first < kMaxIdentifier && identifier_char(s[first - 1])) --first;
  size_t last = end;
  while (last < s.size() && last - end < kMaxIdentifier && identifier_char(s[last])) ++last;
  const std::string_view key = s.substr(first, last - first);
  if (!key_rule_matches(mode, key, begin - first, end - first)) return std::nullopt;
  const auto v = read_assignment(s, last);
  if (!v) return std::nullopt;
  return non_empty(v->pos, value_end(s, *v, false));
}

}  // namespace vigil::sanitize_detail
