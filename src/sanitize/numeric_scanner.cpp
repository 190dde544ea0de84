#include "sanitize/numeric_scanner.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "sanitize/char_class.h"

namespace vigil::sanitize_detail {
namespace {

// The digits and colons of a scan buffer as bit masks, one 64-byte block at a
// time: finding the next place worth a look and the end of a digit run are a
// count-trailing-zeros on the block's masks, not a byte loop. Text such as
// session ids and hashes holds a short digit run every few bytes, which no
// shape can start: a run shorter than a card number that no separator joins
// to a next group. Those runs are left out of the block's mask of places to
// look at, so that the scanner never visits them.
class DigitColonMasks {
 public:
  explicit DigitColonMasks(std::string_view buf) : buf_(buf) {}

  // The first place at or after i that can start a shape: a ':' or a digit
  // of a run that is long enough for a card, or joined to a next group, or
  // reaching the block's end (the scanner then judges the run itself);
  // buf.size() when none.
  size_t next_interesting(size_t i) {
    return next_set(i, [](const DigitColonMasks& m) { return m.interesting_; });
  }
  // The first byte at or after i that is not a digit (buf.size() at the end).
  size_t digits_end(size_t i) {
    return next_set(i, [](const DigitColonMasks& m) { return ~m.digit_; });
  }

 private:
  static constexpr size_t kBlock = 64;

  template <typename Mask>
  size_t next_set(size_t i, Mask mask) {
    while (i < buf_.size()) {
      const size_t base = i & ~(kBlock - 1);
      if (base != base_) load(base);
      // Bytes past the end of the buffer read as '\0': neither digit nor ':'.
      const uint64_t m = mask(*this) & (~uint64_t{0} << (i - base));
      if (m != 0) return std::min(buf_.size(), base + static_cast<size_t>(__builtin_ctzll(m)));
      i = base + kBlock;
    }
    return buf_.size();
  }

  void load(size_t base) {
    base_ = base;
    const char* p = buf_.data() + base;
    alignas(16) char tail[kBlock];
    if (buf_.size() - base < kBlock) {
      std::memset(tail, 0, kBlock);
      std::memcpy(tail, p, buf_.size() - base);
      p = tail;
    }
    uint64_t separator = 0;
    digit_ = colon_ = 0;
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8('0' - 1);
    const __m128i above = _mm_set1_epi8('9' + 1);
    const __m128i colon = _mm_set1_epi8(':');
    for (size_t k = 0; k < kBlock; k += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + k));
      const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above));
      const __m128i sep = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))),
                                       _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
      digit_ |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(digit))} << k;
      colon_ |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, colon)))} << k;
      separator |= uint64_t{static_cast<uint16_t>(_mm_movemask_epi8(sep))} << k;
    }
#else
    for (size_t k = 0; k < kBlock; ++k) {
      digit_ |= uint64_t{is_digit(p[k])} << k;
      colon_ |= uint64_t{p[k] == ':'} << k;
      separator |= uint64_t{p[k] == ' ' || p[k] == '-' || p[k] == '.'} << k;
    }
#endif
    interesting_ = colon_ | (digit_ & runs_worth_a_look(separator));
  }

  // Bit k (byte base + k) of the mask is the k-th byte. A superset of the
  // first digits of the runs the scanner must see: runs ending at a
  // separator followed by a digit (the byte after the block counts as a
  // digit), runs reaching the block's last byte, and every run of
  // kMinCardDigits or more digits (whether cards are looked for or not).
  uint64_t runs_worth_a_look(uint64_t separator) const {
    const uint64_t d = digit_;
    const uint64_t joined = separator & (d << 1) & ((d >> 1) | (uint64_t{1} << 63));
    // Bit k set when bytes k .. k+1, k .. k+3, k .. k+7, k .. k+12 are digits.
    const uint64_t d2 = d & (d >> 1);
    const uint64_t d4 = d2 & (d2 >> 2);
    const uint64_t d8 = d4 & (d4 >> 4);
    const uint64_t long_run = d8 & (d4 >> 8) & (d >> 12);
    // The last digit of each marked run spread back through up to 15 digits
    // before it (longer runs are long_run's); marks every digit on the way.
    uint64_t marked = ((joined >> 1) | (uint64_t{1} << 63)) & d;
    marked |= (marked >> 1) & d;
    marked |= (marked >> 2) & d2;
    marked |= (marked >> 4) & d4;
    marked |= (marked >> 8) & d8;
    return marked | long_run;
  }

  std::string_view buf_;
  size_t base_ = SIZE_MAX;
  uint64_t digit_ = 0;
  uint64_t colon_ = 0;
  uint64_t interesting_ = 0;
};

bool group_separator(char c) {
  return c == ' ' || c == '-' || c == '.';
}

// Does the digit run that reached `i` go on into another group?
bool continues(std::string_view buf, size_t i) {
  return i + 1 < buf.size() && group_separator(buf[i]) && is_digit(buf[i + 1]);
}

// The end of a digit group after a separator: a card's four digits, an
// address's octet. A byte loop: for so few digits it costs fewer instructions
// than the block masks, which pay off on the long stretches between runs.
size_t short_digits_end(std::string_view buf, size_t i) {
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
  DigitColonMasks masks(buf);
  size_t ipv6_tried_until = 0;
  size_t i = 0;
  while ((i = masks.next_interesting(i)) < buf.size()) {
    if (buf[i] != ':') {
      // Most runs are one number (a port, a count, part of an id): of all
      // shapes only an unseparated card fits in one group.
      const size_t end = masks.digits_end(i);
      const bool single = !continues(buf, end);
      i = single && (!card_ || end - i < kMinCardDigits) ? end
                                                         : digit_run(buf, i, end, groups, out);
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

size_t NumericScanner::digit_run(std::string_view buf, size_t i, size_t first_end,
                                 std::vector<DigitGroup>& groups, std::vector<Finding>& out) const {
  const size_t start = i;
  groups.assign(1, {i, first_end, 0});
  size_t digits = first_end - i;
  i = first_end;
  while (continues(buf, i)) {
    groups.back().separator = buf[i++];
    const size_t begin = i;
    i = short_digits_end(buf, i);
    digits += i - begin;
    groups.push_back({begin, i, 0});
  }
  if (groups.size() < 3 && digits < kMinCardDigits) return i;
  const DigitRun run{buf, groups, !word_before(buf, start), !word_at(buf, i)};
  if (ssn_ && groups.size() >= 3) find_ssns(run, out);
  if (ip_ && groups.size() >= 4) find_ipv4s(run, out);
  if (card_ && digits >= kMinCardDigits) find_cards(run, out);
  return i;
}

}  // namespace vigil::sanitize_detail
