#include "sanitize/numeric_scanner.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sanitize/char_class.h"

namespace vigil::sanitize_detail {
namespace {

bool interesting(char c) {
  return is_digit(c) || c == ':';
}

// Next digit or ':' at or after i (buf.size() when none).
size_t next_interesting(std::string_view buf, size_t i) {
  const char* p = buf.data();
  const size_t n = buf.size();
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8('0' - 1);
  const __m128i above = _mm_set1_epi8('9' + 1);
  const __m128i colon = _mm_set1_epi8(':');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above));
    const int mask = _mm_movemask_epi8(_mm_or_si128(digit, _mm_cmpeq_epi8(v, colon)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (i < n && !interesting(p[i])) ++i;
  return i;
}

bool group_separator(char c) {
  return c == ' ' || c == '-' || c == '.';
}

// Does the digit run that reached `i` go on into another group?
bool continues(std::string_view buf, size_t i) {
  return i + 1 < buf.size() && group_separator(buf[i]) && is_digit(buf[i + 1]);
}

size_t digits_end(std::string_view buf, size_t i) {
  while (i < buf.size() && is_digit(buf[i])) ++i;
  return i;
}

}  // namespace

NumericScanner::NumericScanner(const Policy& policy)
    : ssn_(policy.enabled(Pattern::kSsn)),
      card_(policy.enabled(Pattern::kCreditCard)),
      ip_(policy.enabled(Pattern::kIpAddress)) {}

void NumericScanner::scan(std::string_view buf, std::vector<DigitGroup>& groups,
                          std::vector<Finding>& out) const {
  if (!enabled()) return;
  size_t ipv6_tried_until = 0;
  size_t i = 0;
  while ((i = next_interesting(buf, i)) < buf.size()) {
    if (buf[i] != ':') {
      // Most runs are one number (a port, a count, part of an id): of all
      // shapes only an unseparated card fits in one group.
      const size_t end = digits_end(buf, i);
      const bool single = !continues(buf, end);
      i = single && (!card_ || end - i < kMinCardDigits) ? end : digit_run(buf, i, groups, out);
      continue;
    }
    if (ip_ && i >= ipv6_tried_until) {
      const size_t before = out.size();
      find_ipv6(buf, i, &ipv6_tried_until, out);
      // A found address is consumed whole; after a miss, digits right of this
      // colon still get their own check ("time:4111 1111 1111 1111").
      if (out.size() > before) {
        i = out.back().end;
        continue;
      }
    }
    ++i;
  }
}

size_t NumericScanner::digit_run(std::string_view buf, size_t i, std::vector<DigitGroup>& groups,
                                 std::vector<Finding>& out) const {
  const size_t start = i;
  groups.clear();
  size_t digits = 0;
  for (;;) {
    const size_t begin = i;
    i = digits_end(buf, i);
    digits += i - begin;
    groups.push_back({begin, i, 0});
    if (!continues(buf, i)) break;
    groups.back().separator = buf[i++];
  }
  if (groups.size() < 3 && digits < kMinCardDigits) return i;
  const DigitRun run{buf, groups, !word_before(buf, start), !word_at(buf, i)};
  if (ssn_ && groups.size() >= 3) find_ssns(run, out);
  if (ip_ && groups.size() >= 4) find_ipv4s(run, out);
  if (card_ && digits >= kMinCardDigits) find_cards(run, out);
  return i;
}

}  // namespace vigil::sanitize_detail
