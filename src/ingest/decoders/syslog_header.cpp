#include "ingest/decoders/syslog_header.h"

#include <array>

#include "ingest/decoders/record.h"

namespace vigil::decode {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kFutureSlackSeconds = 2 * 86400;

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// "<PRI>" at the start; advances pos.
int read_priority(std::string_view s, size_t& pos) {
  if (s.empty() || s[0] != '<') return -1;
  size_t i = 1;
  int v = 0;
  while (i < s.size() && i <= 4 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  if (i == 1 || i >= s.size() || s[i] != '>' || v > 191) return -1;
  pos = i + 1;
  return v;
}

std::string_view next_token(std::string_view s, size_t& pos) {
  while (pos < s.size() && s[pos] == ' ') ++pos;
  const size_t start = pos;
  while (pos < s.size() && s[pos] != ' ') ++pos;
  return s.substr(start, pos - start);
}

std::string_view rest_after_space(std::string_view s, size_t pos) {
  if (pos < s.size() && s[pos] == ' ') ++pos;
  return pos <= s.size() ? s.substr(pos) : std::string_view();
}

// "Mmm dd hh:mm:ss" or "Mmm dd yyyy hh:mm:ss" at pos; advances pos.
std::optional<Timestamp> read_bsd_time(std::string_view s, size_t& pos, Timestamp reference,
                                       const YearInference& years) {
  if (pos + 15 > s.size()) return std::nullopt;
  const int month = month_from_abbrev(s.substr(pos, 3));
  if (month == 0 || s[pos + 3] != ' ') return std::nullopt;
  size_t i = pos + 4;
  int day = 0;
  if (s[i] == ' ' && digits(s, i + 1, 1, day)) {
    i += 2;
  } else if (digits(s, i, 2, day)) {
    i += 2;
  } else if (digits(s, i, 1, day) && i + 1 < s.size() && s[i + 1] == ' ') {
    i += 1;
  } else {
    return std::nullopt;
  }
  if (i >= s.size() || s[i] != ' ' || day < 1 || day > 31) return std::nullopt;
  ++i;
  int year = 0;
  if (digits(s, i, 4, year) && i + 4 < s.size() && s[i + 4] == ' ') {
    i += 5;
  } else {
    year = 0;
  }
  int h = 0, m = 0, sec = 0;
  if (!digits(s, i, 2, h) || i + 8 > s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, m) ||
      s[i + 5] != ':' || !digits(s, i + 6, 2, sec) || h > 23 || m > 59 || sec > 60) {
    return std::nullopt;
  }
  i += 8;
  int64_t micros = 0;
  if (i < s.size() && s[i] == '.') {  // some daemons add fractions
    ++i;
    int64_t scale = 100000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      micros += (s[i++] - '0') * scale;
      scale /= 10;
    }
  }
  pos = i;
  const int64_t sod = h * 3600 + m * 60 + sec;
  if (year != 0) {
    return Timestamp{
        (days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
         sod) *
            kMicrosPerSecond +
        micros};
  }
  Timestamp t =
      years.resolve(static_cast<unsigned>(month), static_cast<unsigned>(day), sod, reference);
  t.micros += micros;
  return t;
}

// The BSD TAG: "sshd[123]:", "sshd:", "sshd(pam_unix)[19939]:". Returns false
// when the token is not a tag (the message then starts right there).
bool read_tag(std::string_view s, size_t& pos, SyslogHeader& h) {
  size_t i = pos;
  while (i < s.size() && s[i] != '[' && s[i] != ':' && s[i] != ' ') ++i;
  if (i == pos || i >= s.size()) return false;
  const std::string_view app = s.substr(pos, i - pos);
  std::string_view pid;
  if (s[i] == '[') {
    const size_t close = s.find(']', i);
    if (close == std::string_view::npos || close - i > 32) return false;
    pid = s.substr(i + 1, close - i - 1);
    i = close + 1;
  }
  if (i >= s.size() || s[i] != ':') return false;
  h.app = app;
  h.procid = pid;
  pos = i + 1;
  return true;
}

std::optional<SyslogHeader> parse_5424(std::string_view s, size_t pos, SyslogHeader h) {
  h.rfc5424 = true;
  const std::string_view ts = next_token(s, pos);
  if (ts != "-") {
    h.time = parse_iso8601(ts);
    if (!h.time) return std::nullopt;
  }
  auto nil = [](std::string_view v) { return v == "-" ? std::string_view() : v; };
  h.hostname = nil(next_token(s, pos));
  h.app = nil(next_token(s, pos));
  h.procid = nil(next_token(s, pos));
  h.msgid = nil(next_token(s, pos));
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos >= s.size()) return h;
  if (s[pos] == '-') {
    h.structured_data = s.substr(pos, 1);
    ++pos;
  } else if (s[pos] == '[') {
    const size_t start = pos;
    while (pos < s.size() && s[pos] == '[') {  // [id k="v" ...] blocks; \] escapes
      ++pos;
      while (pos < s.size() && s[pos] != ']') pos += (s[pos] == '\\' && pos + 1 < s.size()) ? 2 : 1;
      if (pos >= s.size()) return std::nullopt;
      ++pos;
    }
    h.structured_data = s.substr(start, pos - start);
  } else {
    return std::nullopt;
  }
  std::string_view msg = rest_after_space(s, pos);
  if (msg.substr(0, 3) == "\xEF\xBB\xBF") msg.remove_prefix(3);  // the BOM 5424 allows
  h.message = msg;
  return h;
}

}  // namespace

Timestamp YearInference::resolve(unsigned month, unsigned day, int64_t seconds_of_day,
                                 Timestamp reference) const {
  auto at = [&](int64_t year) {
    return Timestamp{(days_from_civil(year, month, day) * 86400 + seconds_of_day) *
                     kMicrosPerSecond};
  };
  if (fixed_year_ != 0) return at(fixed_year_);
  const int64_t ref_year = civil_from_days(reference.seconds() / 86400).year;
  Timestamp t = at(ref_year);
  if (t.micros > reference.micros + kFutureSlackSeconds * kMicrosPerSecond) t = at(ref_year - 1);
  return t;
}

std::optional<SyslogHeader> parse_syslog_header(std::string_view s, Timestamp reference,
                                                const YearInference& years) {
  SyslogHeader h;
  size_t pos = 0;
  h.priority = read_priority(s, pos);
  if (h.priority >= 0 && pos + 1 < s.size() && s[pos] == '1' && s[pos + 1] == ' ') {
    return parse_5424(s, pos + 2, h);
  }
  if (auto t = read_bsd_time(s, pos, reference, years)) {
    h.time = t;
  } else {
    // rsyslog's high-precision file format: an RFC 3339 time first.
    size_t p = pos;
    const std::string_view ts = next_token(s, p);
    auto iso = ts.size() >= 19 && ts[4] == '-' ? parse_iso8601(ts) : std::nullopt;
    if (!iso) {
      if (h.priority < 0) return std::nullopt;
      h.message = rest_after_space(s, pos);  // <PRI> and nothing else we know
      return h;
    }
    h.time = iso;
    pos = p;
  }
  while (pos < s.size() && s[pos] == ' ') ++pos;
  // Hostname, unless the next token is already the tag (senders that omit it).
  size_t probe = pos;
  if (!read_tag(s, probe, h)) {
    size_t after_host = pos;
    h.hostname = next_token(s, after_host);
    pos = after_host;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    probe = pos;
    if (!read_tag(s, probe, h)) {
      h.message = s.substr(pos);
      return h;
    }
  }
  h.message = rest_after_space(s, probe);
  return h;
}

std::string_view facility_name(int facility) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
      "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};
  return facility >= 0 && facility < 24 ? kNames[static_cast<size_t>(facility)] : "";
}

std::string_view syslog_severity_name(int severity) {
  static constexpr std::array<std::string_view, 8> kNames = {"emerg",   "alert",  "crit", "err",
                                                             "warning", "notice", "info", "debug"};
  return severity >= 0 && severity < 8 ? kNames[static_cast<size_t>(severity)] : "";
}

}  // namespace vigil::decode
