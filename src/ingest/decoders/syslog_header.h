// The syslog header in front of a program's message: RFC 5424, RFC 3164 (BSD)
// with its real-world variants (no PRI as in files, no hostname, `tag[pid]:`,
// an ISO timestamp as rsyslog writes it, no year).
#pragma once

#include <optional>
#include <string_view>

#include "core/timestamp.h"

namespace vigil::decode {

// BSD timestamps carry no year. Logs are read after they are written, so the
// year is the reference's, unless that puts the line more than two days in
// the future (December's log read in January): then the year before.
class YearInference {
 public:
  explicit YearInference(int fixed_year = 0) : fixed_year_(fixed_year) {}
  Timestamp resolve(unsigned month, unsigned day, int64_t seconds_of_day,
                    Timestamp reference) const;

 private:
  int fixed_year_;
};

struct SyslogHeader {
  int priority = -1;  // -1: the line had no <PRI>
  bool rfc5424 = false;
  std::optional<Timestamp> time;
  std::string_view hostname;
  std::string_view app;  // the tag / APP-NAME, empty when absent
  std::string_view procid;
  std::string_view msgid;            // 5424 only
  std::string_view structured_data;  // 5424 only, "-" or the [..] blocks
  std::string_view message;
};

// nullopt when the line has no recognisable header at all.
std::optional<SyslogHeader> parse_syslog_header(std::string_view line, Timestamp reference,
                                                const YearInference& years);

// "auth", "authpriv", ... for a facility number; "" when out of range.
std::string_view facility_name(int facility);
// "emerg" .. "debug" for a severity number.
std::string_view syslog_severity_name(int severity);

}  // namespace vigil::decode
