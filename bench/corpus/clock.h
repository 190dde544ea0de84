// Event time for the corpus: starts at a fixed instant and advances by
// random gaps averaging span/events, so N events cover about the requested
// number of days whatever N is.
#pragma once

#include <cstdint>
#include <string>

#include "corpus/rng.h"

namespace vigil::bench {

class EventClock {
 public:
  EventClock(int64_t start_micros, int64_t span_micros, uint64_t events);
  // Moves forward by a uniform gap in [0, 2 * mean]; never goes back.
  int64_t advance(Rng& rng);
  int64_t now() const { return now_; }

 private:
  int64_t now_;
  int64_t mean_gap_;
};

// RFC 3339 with `digits` fractional digits (0, 3 or 6). A non-zero offset
// writes the same instant as local time plus "+HH:MM", as shippers in other
// time zones do.
class TimestampFormatter {
 public:
  void append(std::string& out, int64_t micros, int digits, int offset_minutes = 0);

 private:
  int64_t cached_day_ = INT64_MIN;
  char date_[11] = {};  // "YYYY-MM-DD"
};

// Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) for --start; -1 if malformed.
int64_t parse_start_micros(const std::string& s);

}  // namespace vigil::bench
