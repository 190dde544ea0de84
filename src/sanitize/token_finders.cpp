// Finders for self-delimiting tokens: e-mail addresses, JWTs, AWS access key
// ids and PEM private-key blocks.
#include <algorithm>

#include "sanitize/char_class.h"
#include "sanitize/finders.h"

namespace vigil::sanitize_detail {
namespace {

constexpr size_t kAwsKeyTail = 16;
constexpr size_t kMaxPemLabel = 64;
constexpr size_t kMinJwtHeader = 10;  // eyJ + 7: the shortest real header is ~20

bool is_local_part(char c) {
  return is_word(c) || c == '.' || c == '%' || c == '+' || c == '-';
}
bool is_domain(char c) {
  return is_digit(c) || is_alpha(c) || c == '.' || c == '-';
}

// The domain is the longest prefix of [at+1, run_end) ending in ".<letters>{2,}"
// on a word boundary, as `[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b` would match it.
size_t domain_end(std::string_view s, size_t at, size_t run_end) {
  for (size_t e = run_end; e > at + 1; --e) {
    if (e < run_end ? is_word(s[e]) : word_at(s, e)) continue;
    size_t k = e;
    while (k > at + 1 && is_alpha(s[k - 1])) --k;
    if (e - k >= 2 && k > at + 2 && s[k - 1] == '.') return e;
  }
  return 0;
}

// scheme://user:password@host is URL credentials (the password finder's), not
// an address "password@host"; "mailto:a@b.org" has no "//" and stays an e-mail.
bool url_password_before(std::string_view s, size_t local) {
  if (local == 0 || s[local - 1] != ':') return false;
  size_t user = local - 1;
  while (user > 0 && !is_space(s[user - 1]) && s[user - 1] != '/' && s[user - 1] != '@') --user;
  return user >= 2 && s.substr(user - 2, 2) == "//";
}

}  // namespace

std::optional<Span> find_email(std::string_view s, size_t at, size_t) {
  size_t local = at;
  while (local > 0 && is_local_part(s[local - 1])) --local;
  if (local == at || url_password_before(s, local)) return std::nullopt;
  size_t run = at + 1;
  while (run < s.size() && is_domain(s[run])) ++run;
  const size_t end = domain_end(s, at, run);
  if (end == 0) return std::nullopt;
  return Span{local, end};
}

std::optional<Span> find_jwt(std::string_view s, size_t begin, size_t) {
  if (begin > 0 && is_b64url(s[begin - 1])) return std::nullopt;  // eyJ inside a longer token
  size_t i = b64url_run(s, begin);
  if (i - begin < kMinJwtHeader || i >= s.size() || s[i] != '.') return std::nullopt;
  i = b64url_run(s, i + 1);  // payload: usually JSON (eyJ...), but JWS allows any bytes
  if (i >= s.size() || s[i] != '.') return std::nullopt;
  return Span{begin, b64url_run(s, i + 1)};
}

std::optional<Span> find_aws_key(std::string_view s, size_t begin, size_t end) {
  if (word_before(s, begin) || end + kAwsKeyTail > s.size()) return std::nullopt;
  for (size_t i = end; i < end + kAwsKeyTail; ++i) {
    if (!is_upper(s[i]) && !is_digit(s[i])) return std::nullopt;
  }
  if (word_at(s, end + kAwsKeyTail)) return std::nullopt;
  return Span{begin, end + kAwsKeyTail};
}

std::optional<Span> find_private_key(std::string_view s, size_t begin, size_t end) {
  const size_t close = s.substr(0, std::min(s.size(), end + kMaxPemLabel)).find("-----", end);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view label = s.substr(end, close - end);
  for (char c : label) {
    if (!is_upper(c) && !is_digit(c) && c != ' ') return std::nullopt;
  }
  if (label.find("PRIVATE KEY") == std::string_view::npos) return std::nullopt;
  const size_t footer = s.find("-----END", close + 5);
  if (footer == std::string_view::npos) return Span{begin, s.size()};
  const size_t footer_close = s.find("-----", footer + 8);
  return Span{begin, footer_close == std::string_view::npos ? s.size() : footer_close + 5};
}

std::optional<Span> run_finder(const Trigger& trigger, std::string_view s, size_t begin,
                               size_t end) {
  switch (trigger.finder) {
    case Finder::kEmail:
      return find_email(s, begin, end);
    case Finder::kPassword:
      return find_password(s, begin, end, trigger.mode);
    case Finder::kUrlPassword:
      return find_url_password(s, begin, end);
    case Finder::kBearer:
      return find_bearer(s, begin, end);
    case Finder::kAuthorization:
      return find_authorization(s, begin, end);
    case Finder::kJwt:
      return find_jwt(s, begin, end);
    case Finder::kAwsKey:
      return find_aws_key(s, begin, end);
    case Finder::kPrivateKey:
      return find_private_key(s, begin, end);
    case Finder::kKeyRule:
      break;
  }
  return std::nullopt;
}

}  // namespace vigil::sanitize_detail
