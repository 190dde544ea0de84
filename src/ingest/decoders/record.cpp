#include "ingest/decoders/record.h"

#include "core/strings.h"

namespace vigil::decode {

void put(Value& doc, std::string_view dotted, Value v) {
  Value* cur = &doc;
  size_t start = 0;
  for (size_t dot = dotted.find('.'); dot != std::string_view::npos;
       dot = dotted.find('.', start)) {
    const std::string_view seg = dotted.substr(start, dot - start);
    Value* next = cur->find(seg);
    if (next == nullptr) {
      next = &cur->set(seg, Object{});
    } else if (!next->is_object()) {
      doc.set(dotted, std::move(v));  // a scalar is in the way: keep the flat key
      return;
    }
    cur = next;
    start = dot + 1;
  }
  cur->set(dotted.substr(start), std::move(v));
}

int month_from_abbrev(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (m == kMonths[i]) return i + 1;
  }
  return 0;
}

Event make_event(Value doc, std::optional<Timestamp> time, Timestamp received) {
  Event e;
  e.received = received;
  if (time) {
    e.time = *time;
  } else {
    e.time = received;
    e.time_from_receive = true;
  }
  e.doc = std::move(doc);
  if (!e.doc.is_object()) e.doc = Value(Object{});
  return e;
}

void keep_unparsed(std::string_view line, std::string_view why, Timestamp received,
                   DecodeResult& out) {
  Value doc{Object{}};
  std::string_view kept = line;
  bool cut = false;
  if (kept.size() > kMaxLineBytes) {
    kept = kept.substr(0, kMaxLineBytes);
    while (!kept.empty() && (static_cast<unsigned char>(kept.back()) & 0xC0) == 0x80)
      kept.remove_suffix(1);  // never end inside a UTF-8 sequence
    if (!kept.empty() && static_cast<unsigned char>(kept.back()) >= 0xC0) kept.remove_suffix(1);
    cut = true;
  }
  put(doc, "event.original", Value(kept));
  put(doc, "error.type", Value("parse_error"));
  put(doc, "error.message", Value(why));
  if (cut) put(doc, "log.truncated", Value(true));
  ++out.read;
  ++out.flagged;
  out.events.push_back(make_event(std::move(doc), std::nullopt, received));
}

bool valid_utf8_line(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return valid_utf8(s);
  }
  return true;
}

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len > 0 && i + len <= s.size() && valid_utf8(s.substr(i, len))) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

}  // namespace vigil::decode
