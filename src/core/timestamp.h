// Event time: microseconds since the Unix epoch, always UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

struct Timestamp {
  int64_t micros = 0;

  static Timestamp now();
  static Timestamp from_seconds(int64_t s) { return {s * 1'000'000}; }
  int64_t seconds() const {
    return micros >= 0 ? micros / 1'000'000 : -((-micros + 999'999) / 1'000'000);
  }
  auto operator<=>(const Timestamp&) const = default;
};

// RFC 3339 / ISO 8601: "2024-03-01T12:00:00Z", "...+02:00", "2024-03-01 12:00:00"
// (no offset = UTC), fractional seconds to microseconds.
std::optional<Timestamp> parse_iso8601(std::string_view s);
// Whether s starts "dddd-dd-dd?dd:dd:dd" (a digit at each d, `separator` at ?):
// the common shape of a date and time, its first 16 bytes in one vector compare.
bool starts_with_datetime(std::string_view s, char separator);
// Epoch seconds or milliseconds (values above 1e11 are taken as milliseconds,
// above 1e14 as microseconds).
std::optional<Timestamp> from_epoch_number(double v);
// "2024-03-01T12:00:00.123456Z"
std::string format_rfc3339(Timestamp t);
// "2024.03.01", the seed's daily index suffix.
std::string format_day(Timestamp t);
// Start of the UTC day containing t.
Timestamp day_start(Timestamp t);
// Proleptic Gregorian day count since 1970-01-01, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
struct CivilDate {
  int64_t year;
  unsigned month, day;
};
CivilDate civil_from_days(int64_t days);

}  // namespace vigil
