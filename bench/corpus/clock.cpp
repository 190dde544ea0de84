#include "corpus/clock.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/timestamp.h"

namespace vigil::bench {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

void put2(std::string& out, int64_t v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

EventClock::EventClock(int64_t start_micros, int64_t span_micros, uint64_t events)
    : now_(start_micros),
      mean_gap_(std::max<int64_t>(
          1, span_micros / static_cast<int64_t>(std::max<uint64_t>(events, 1)))) {}

int64_t EventClock::advance(Rng& rng) {
  now_ += static_cast<int64_t>(rng.below(static_cast<uint64_t>(2 * mean_gap_) + 1));
  return now_;
}

void TimestampFormatter::append(std::string& out, int64_t micros, int digits, int offset_minutes) {
  micros += int64_t{offset_minutes} * 60'000'000;
  const int64_t day = micros >= 0 ? micros / kMicrosPerDay : -((-micros - 1) / kMicrosPerDay) - 1;
  if (day != cached_day_) {
    const CivilDate c = civil_from_days(day);
    const int64_t y = c.year;
    const unsigned m = c.month, d = c.day;
    // Years 0..9999 only: the corpus never leaves this century.
    const unsigned yy = static_cast<unsigned>(y) % 10000;
    const char date[] = {static_cast<char>('0' + yy / 1000),
                         static_cast<char>('0' + yy / 100 % 10),
                         static_cast<char>('0' + yy / 10 % 10),
                         static_cast<char>('0' + yy % 10),
                         '-',
                         static_cast<char>('0' + m / 10),
                         static_cast<char>('0' + m % 10),
                         '-',
                         static_cast<char>('0' + d / 10),
                         static_cast<char>('0' + d % 10)};
    std::memcpy(date_, date, sizeof date);
    cached_day_ = day;
  }
  const int64_t in_day = micros - day * kMicrosPerDay;
  const int64_t secs = in_day / 1'000'000;
  out.append(date_, 10);
  out.push_back('T');
  put2(out, secs / 3600);
  out.push_back(':');
  put2(out, secs / 60 % 60);
  out.push_back(':');
  put2(out, secs % 60);
  if (digits > 0) {
    char frac[6];
    int64_t f = in_day % 1'000'000;
    for (int i = 5; i >= 0; --i, f /= 10) frac[i] = static_cast<char>('0' + f % 10);
    out.push_back('.');
    out.append(frac, static_cast<size_t>(digits));
  }
  if (offset_minutes == 0) {
    out.push_back('Z');
    return;
  }
  const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  out.push_back(offset_minutes < 0 ? '-' : '+');
  put2(out, a / 60);
  out.push_back(':');
  put2(out, a % 60);
}

int64_t parse_start_micros(const std::string& s) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  const int n = std::sscanf(s.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u", &y, &mo, &d, &h, &mi, &se);
  if (n != 3 && n != 6) return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
  const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  return secs * 1'000'000;
}

}  // namespace vigil::bench
