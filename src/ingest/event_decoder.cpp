#include "ingest/event_decoder.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "core/strings.h"

namespace vigil {
namespace {

// Event times outside 1970..9999 cannot name a day file and are not real
// security events; they count as unreadable.
constexpr int64_t kMaxEventMicros = 253402300799999999;  // 9999-12-31T23:59:59.999999Z

// The event's own time, if it carries one we can read.
std::optional<Timestamp> read_time(const Value& v) {
  std::optional<Timestamp> t;
  if (v.is_string()) t = parse_iso8601(trim(v.as_string()));
  if (v.is_number()) t = from_epoch_number(v.number());
  if (t && (t->micros < 0 || t->micros > kMaxEventMicros)) return std::nullopt;
  return t;
}

}  // namespace

EventDecoder::EventDecoder(const IngestConfig& config)
    : parser_(ParseLimits{config.max_depth, config.max_field_bytes, config.max_event_bytes}),
      timestamp_field_(config.timestamp_field) {}

void EventDecoder::decode(std::string_view body, BodyFormat format, size_t first_line,
                          Timestamp received, DecodeResult& out, size_t readable_after) {
  if (format == BodyFormat::kAuto) {
    const std::string_view t = trim(body);
    if (!t.empty() && t.front() == '[') {
      const size_t lead = static_cast<size_t>(t.data() - body.data());
      if (decode_array(t, first_line + count_newlines(body.substr(0, lead)), received, out)) return;
    } else if (!t.empty() && t.front() == '{' && t.find('\n') != std::string_view::npos) {
      // A pretty-printed single object spans lines; NDJSON does not parse as one document.
      auto doc = parser_.parse(t);
      if (doc) {
        ++out.read;
        out.events.push_back(make_event(std::move(*doc), received));
        return;
      }
    }
  }
  decode_ndjson(body, readable_after, first_line, received, out);
}

void EventDecoder::decode_ndjson(std::string_view body, size_t readable_after, size_t first_line,
                                 Timestamp received, DecodeResult& out) {
  size_t line = first_line;
  size_t pos = 0;
  while (pos < body.size()) {
    const void* nl = std::memchr(body.data() + pos, '\n', body.size() - pos);
    const size_t end =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - body.data()) : body.size();
    const std::string_view text = body.substr(pos, end - pos);
    if (!trim(text).empty()) {
      decode_one(text, body.size() - text.size() - pos + readable_after, line, received, out);
    }
    pos = end + 1;
    ++line;
  }
  out.lines += line - first_line;
}

// Returns false when the body is not an array after all (then NDJSON is tried).
bool EventDecoder::decode_array(std::string_view body, size_t first_line, Timestamp received,
                                DecodeResult& out) {
  namespace od = simdjson::ondemand;
  // Arrays arrive only as request bodies, each already copied into padding:
  // a parser per body costs nothing the copy does not.
  simdjson::padded_string padded(body);
  od::parser outer_parser;
  od::document doc;
  od::array arr;
  if (outer_parser.iterate(padded).get(doc) || doc.get_array().get(arr)) return false;
  auto line_of = [&](const char* at) {
    return first_line +
           count_newlines(std::string_view(padded.data(), static_cast<size_t>(at - padded.data())));
  };
  for (auto item : arr) {
    od::value v;
    const char* at = padded.data();
    if (auto e = item.get(v); !e) {
      if (const char* loc; !v.current_location().get(loc)) at = loc;
    }
    const size_t line = line_of(at);
    ++out.read;
    od::object obj;
    std::string_view raw;
    if (item.error() || v.get_object().get(obj) || obj.raw_json().get(raw)) {
      const bool syntax = item.error() != simdjson::SUCCESS;
      out.errors.push_back(
          {line, syntax ? RejectReason::kParseError : RejectReason::kNotObject,
           syntax ? "invalid JSON in array element" : "array element is not a JSON object"});
      if (syntax) return true;  // the rest of the array cannot be located reliably
      continue;
    }
    --out.read;  // decode_one counts it
    decode_one(raw, 0, line, received, out);
  }
  return true;
}

void EventDecoder::decode_one(std::string_view text, size_t readable_after, size_t line,
                              Timestamp received, DecodeResult& out) {
  ++out.read;
  auto doc = parser_.parse(text, readable_after);
  if (!doc) {
    out.errors.push_back({line, doc.error().reason, std::move(doc.error().message)});
    return;
  }
  out.events.push_back(make_event(std::move(*doc), received));
}

Event EventDecoder::make_event(Value doc, Timestamp received) const {
  Event e;
  e.received = received;
  const Value* ts = timestamp_field_.find(doc);
  if (ts == nullptr) ts = fallback_timestamp_field_.find(doc);
  if (auto t = ts ? read_time(*ts) : std::nullopt) {
    e.time = *t;
  } else {
    e.time = received;
    e.time_from_receive = true;
  }
  if (const Value* sev = severity_field_.find(doc); sev && sev->is_string()) {
    e.severity = parse_severity(sev->as_string()).value_or(Severity::kInfo);
  }
  e.doc = std::move(doc);
  return e;
}

}  // namespace vigil
