// Web server logs: Apache/nginx access logs (combined and common formats,
// with or without trailing extra fields) and error logs (Apache 2.2, 2.4,
// nginx). The request is split into http.request.method, url.path, url.query;
// `url.decoded` holds path and query percent-decoded (repeatedly, so double
// encoding is undone, and `+` as a space in the query) for detections.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/timestamp.h"
#include "ingest/decoders/record.h"

namespace vigil::decode {

// The outcome of one access-log or error-log line, whose fields go into the
// caller's builder: the time, and why the line is incomplete when it is (the
// fields found so far are still kept). Lines are valid UTF-8 (for_each_line).
struct WebLine {
  std::optional<Timestamp> time;
  std::string problem;    // empty = the whole line parsed
  bool anything = false;  // false: not an access log line at all
};

// The access log's time, "17/May/2015:10:05:03 +0000" (the zone may be absent).
std::optional<Timestamp> parse_clf_time(std::string_view s);

// parse_clf_time with the last day and zone remembered: the lines of a log
// share them, and the day's number was most of the work (callgrind: −180
// instructions per access line). The same results, invalid times included.
class ClfTimeReader {
 public:
  std::optional<Timestamp> read(std::string_view s);

 private:
  bool known_ = false;
  char day_[11] = {};    // "17/May/2015" of base_
  bool zone_ = false;    // base_ has a zone,
  char offset_[5] = {};  // "+0000"
  Timestamp base_{0};    // that day's midnight in that zone
};

WebLine parse_access_line(std::string_view line, DocBuilder& doc, ClfTimeReader& times);
WebLine parse_error_line(std::string_view line, DocBuilder& doc);

// Percent-decoding until the text stops changing (at most 3 rounds); `plus`
// turns '+' into a space (query strings).
std::string decode_url_text(std::string_view s, bool plus);

}  // namespace vigil::decode
