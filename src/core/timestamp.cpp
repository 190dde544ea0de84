#include "core/timestamp.h"

#include <fmt/format.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil {
namespace {

bool read_digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

constexpr int64_t kMicrosPerDay = 86'400'000'000;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

// Howard Hinnant's civil_from_days.
CivilDate civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Timestamp Timestamp::now() {
  using namespace std::chrono;
  return {duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()};
}

bool starts_with_datetime(std::string_view s, char separator) {
  constexpr size_t kShape = 19;  // "dddd-dd-ddTdd:dd:dd": 16 bytes in a vector, then ":dd"
  if (s.size() < kShape || s[16] != ':' || s[17] < '0' || s[17] > '9' || s[18] < '0' ||
      s[18] > '9') {
    return false;
  }
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
  const __m128i from_zero = _mm_sub_epi8(v, _mm_set1_epi8('0'));
  const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(from_zero, _mm_set1_epi8(9)), from_zero);
  const __m128i literals =
      _mm_setr_epi8(0, 0, 0, 0, '-', 0, 0, '-', 0, 0, separator, 0, 0, ':', 0, 0);
  const __m128i literal = _mm_cmpeq_epi8(v, literals);
  constexpr unsigned kLiteralPositions = (1u << 4) | (1u << 7) | (1u << 10) | (1u << 13);
  const auto digits = static_cast<unsigned>(_mm_movemask_epi8(digit));
  const auto matched = static_cast<unsigned>(_mm_movemask_epi8(literal));
  return ((digits & ~kLiteralPositions) | (matched & kLiteralPositions)) == 0xFFFF;
#else
  constexpr std::string_view kTemplate = "dddd-dd-dd?dd:dd";
  for (size_t i = 0; i < kTemplate.size(); ++i) {
    const char want = kTemplate[i] == '?' ? separator : kTemplate[i];
    if (want == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != want) return false;
  }
  return true;
#endif
}

namespace {

struct DateTimeFields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

int two_digits(const char* p) {
  return (p[0] - '0') * 10 + (p[1] - '0');
}

// "YYYY-MM-DDThh:mm:ss" (or 't', or ' ') at fixed positions: nearly every
// event's time has this shape. pos is left after the seconds.
bool read_full_datetime(std::string_view s, size_t& pos, DateTimeFields& f) {
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !starts_with_datetime(s, s[10])) {
    return false;
  }
  const char* p = s.data();
  f = {two_digits(p) * 100 + two_digits(p + 2),
       two_digits(p + 5),
       two_digits(p + 8),
       two_digits(p + 11),
       two_digits(p + 14),
       two_digits(p + 17)};
  pos = 19;
  return true;
}

// Any other shape: a date alone, no seconds, or a malformed text.
bool read_datetime(std::string_view s, size_t& pos, DateTimeFields& f) {
  if (!read_digits(s, pos, 4, f.year) || !expect(s, pos, '-') || !read_digits(s, pos, 2, f.month) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, f.day)) {
    return false;
  }
  if (pos == s.size()) return true;
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return false;
  ++pos;
  if (!read_digits(s, pos, 2, f.hour) || !expect(s, pos, ':') ||
      !read_digits(s, pos, 2, f.minute)) {
    return false;
  }
  return !expect(s, pos, ':') || read_digits(s, pos, 2, f.second);
}

// ".ffffff" or ",ffffff": microseconds (digits past six are dropped).
bool read_fraction(std::string_view s, size_t& pos, int64_t& micros) {
  micros = 0;
  if (pos >= s.size() || (s[pos] != '.' && s[pos] != ',')) return true;
  ++pos;
  int digits = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (digits < 6) micros = micros * 10 + (s[pos] - '0');
    ++digits;
    ++pos;
  }
  for (int i = digits; i < 6; ++i) micros *= 10;
  return digits > 0;
}

// "Z", "+hh:mm", "-hhmm", "+hh" or nothing (UTC): what to add to local time.
bool read_offset(std::string_view s, size_t& pos, int64_t& to_utc) {
  to_utc = 0;
  if (pos >= s.size()) return true;
  const char c = s[pos];
  if (c == 'Z' || c == 'z') {
    ++pos;
    return true;
  }
  if (c != '+' && c != '-') return true;
  ++pos;
  int oh = 0, om = 0;
  if (!read_digits(s, pos, 2, oh)) return false;
  expect(s, pos, ':');
  if (pos < s.size() && !read_digits(s, pos, 2, om)) return false;
  if (oh > 23 || om > 59) return false;
  const int64_t offset = (oh * 60 + om) * int64_t{60'000'000};
  to_utc = c == '+' ? -offset : offset;
  return true;
}

}  // namespace

std::optional<Timestamp> parse_iso8601(std::string_view s) {
  size_t pos = 0;
  DateTimeFields f;
  if (!read_full_datetime(s, pos, f) && !read_datetime(s, pos, f)) return std::nullopt;
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31) return std::nullopt;
  if (f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  int64_t frac = 0, to_utc = 0;
  if (!read_fraction(s, pos, frac) || !read_offset(s, pos, to_utc)) return std::nullopt;
  if (pos != s.size()) return std::nullopt;
  const int64_t micros_of_day =
      ((f.hour * 60 + f.minute) * 60 + f.second) * int64_t{1'000'000} + frac + to_utc;
  const int64_t days =
      days_from_civil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
  return Timestamp{days * kMicrosPerDay + micros_of_day};
}

std::optional<Timestamp> from_epoch_number(double v) {
  if (!std::isfinite(v) || v < 0) return std::nullopt;
  if (v >= 1e14) return Timestamp{static_cast<int64_t>(v)};
  if (v >= 1e11) return Timestamp{static_cast<int64_t>(v * 1e3)};
  return Timestamp{static_cast<int64_t>(std::llround(v * 1e6))};
}

namespace {

// Writes `value` as exactly `width` decimal digits ending just before `end`.
char* put_digits(char* end, int64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return end;
}

// "YYYY-MM-DD" of a day count. Events arrive in time order, so the day of
// the last call is nearly always the day of this one: civil_from_days (a tenth
// of formatting a timestamp) runs once a day per thread instead of per event.
const char* date_text(int64_t days) {
  struct LastDay {
    int64_t days = INT64_MIN;
    char text[10];
  };
  thread_local LastDay last;
  if (last.days != days) {
    const CivilDate c = civil_from_days(days);
    char* p = last.text;
    p[4] = p[7] = '-';
    put_digits(p + 4, c.year, 4);
    put_digits(p + 7, c.month, 2);
    put_digits(p + 10, c.day, 2);
    last.days = days;
  }
  return last.text;
}

}  // namespace

// Hand-rolled because it runs twice per event and fmt's format-string parsing
// measured at 10% of the in-memory pipeline (docs/benchmarks.md).
std::string format_rfc3339(Timestamp t) {
  const int64_t days = floor_div(t.micros, kMicrosPerDay);
  const int64_t in_day = t.micros - days * kMicrosPerDay;
  const int64_t secs = in_day / 1'000'000;
  std::string out = "0000-00-00T00:00:00.000000Z";
  char* p = out.data();
  std::memcpy(p, date_text(days), 10);
  put_digits(p + 13, secs / 3600, 2);
  put_digits(p + 16, (secs / 60) % 60, 2);
  put_digits(p + 19, secs % 60, 2);
  put_digits(p + 26, in_day % 1'000'000, 6);
  return out;
}

std::string format_day(Timestamp t) {
  const CivilDate c = civil_from_days(floor_div(t.micros, kMicrosPerDay));
  return fmt::format("{:04}.{:02}.{:02}", c.year, c.month, c.day);
}

Timestamp day_start(Timestamp t) {
  return {floor_div(t.micros, kMicrosPerDay) * kMicrosPerDay};
}

}  // namespace vigil
