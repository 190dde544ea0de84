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
// caller's AccessLine or builder: the time, and why the line is incomplete when
// it is (the fields found so far are still kept). Lines are valid UTF-8
// (for_each_line).
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

// A request line ("GET /a?b=1 HTTP/1.1") split into the ECS fields.
struct RequestParts {
  bool split = false;  // false: no method token or no target ("-", TLS bytes on a plain port)
  std::string_view method, target, path;
  std::string_view query;    // empty: absent
  std::string_view decoded;  // url.decoded: a view of the target, or of the decoded copy
  std::optional<std::string_view> version;  // what follows "HTTP/"
};

// `decoded` holds url.decoded when the target has something to decode.
RequestParts split_request(std::string_view request, std::string& decoded);

// An access-log line taken apart, as far as it parsed: views of the line or
// of an AccessCopies. An absent field is absent from the document ("-" too).
struct AccessLine {
  std::string_view client;
  std::optional<std::string_view> user;
  std::optional<std::string_view> request;  // unescaped
  RequestParts request_parts;
  std::optional<int> status, bytes;
  std::optional<std::string_view> referrer, agent;  // unescaped
};

// Text an AccessLine's views may point into instead of the line: quoted
// fields with escapes, unescaped, and the decoded URL. One per decoder, reused
// line after line, so their room is allocated once.
struct AccessCopies {
  std::string request, referrer, agent, decoded_url;
};

WebLine parse_access_line(std::string_view line, ClfTimeReader& times, AccessCopies& copies,
                          AccessLine& fields);

// The line's document, built in place: each object allocated once at its
// final size, keys of known length. The members are in the order in which
// the fields come in the line (what put() of their dotted paths in that order
// gives): event, source, user, http, url, user_agent, and for a flagged line
// (`problem` not empty) event.original and error.type/message.
void build_access_doc(const AccessLine& fields, std::string_view problem, std::string_view line,
                      Value& doc);

WebLine parse_error_line(std::string_view line, DocBuilder& doc);

// Percent-decoding until the text stops changing (at most 3 rounds); `plus`
// turns '+' into a space (query strings).
std::string decode_url_text(std::string_view s, bool plus);

}  // namespace vigil::decode
