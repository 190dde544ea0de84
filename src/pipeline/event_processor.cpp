#include "pipeline/event_processor.h"

#include <algorithm>
#include <iterator>

#include "core/json_writer.h"
#include "core/strings.h"
#include "core/timestamp.h"

namespace vigil {
namespace {

std::string string_or_empty(const Value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return v->as_string();
  if (v->is_number() || v->is_bool()) return to_json(*v);
  return {};
}

}  // namespace

EventPreparer::EventPreparer(const DecoderCatalog& catalog, const Stages& stages)
    : catalog_(catalog), stages_(stages), decoder_(catalog.ingest) {}

void EventPreparer::decode(const WorkItem& item, std::string_view body, size_t first_line,
                           DecodeResult& out) {
  if (item.decoder.empty()) {
    // `body` is a slice of the item's: the rest of the item follows it.
    const size_t readable_after =
        static_cast<size_t>(item.body.data() + item.body.size() - (body.data() + body.size()));
    decoder_.decode(body, item.format, first_line, item.received, out, readable_after);
    return;
  }
  auto it = decoders_.find(item.decoder);
  if (it == decoders_.end()) {
    auto made = make_decoder(item.decoder, catalog_);
    if (!made) {  // sources check their decoder at start-up; this is a caller's bug
      ++out.read;
      out.errors.push_back({first_line, RejectReason::kParseError, made.error().message});
      return;
    }
    it = decoders_.emplace(item.decoder, std::move(*made)).first;
  }
  it->second->decode(body, first_line, item.received, out);
}

// Sliced as well: each slice is normalized right after it is decoded, while
// it is in the cache (a default replay measured 0-4 % faster than decoding the
// item whole, in three of four rounds).
void EventPreparer::prepare(const WorkItem& item, BatchOutcome& outcome,
                            std::vector<Event>& events) {
  prepare(item, outcome, [&events](std::vector<Event>& slice) {
    if (events.empty()) {
      events = std::move(slice);
    } else {
      std::move(slice.begin(), slice.end(), std::back_inserter(events));
    }
  });
}

// Only vigil's NDJSON is cut: a line is a record there, while a decoder's
// records or an auto-detected body (an array, a pretty-printed object) may
// span lines.
void EventPreparer::prepare(const WorkItem& item, BatchOutcome& outcome, const SliceSink& take) {
  const bool sliced = item.decoder.empty() && item.format == BodyFormat::kNdjson;
  std::string_view rest = item.body;
  size_t line = item.first_line;
  do {
    size_t end = rest.size();
    if (sliced && rest.size() > kSliceBytes) {
      const size_t nl = rest.find('\n', kSliceBytes);
      if (nl != std::string_view::npos) end = nl + 1;
    }
    const std::string_view slice = rest.substr(0, end);
    // A slice ends its last line, so the lines its decoding read are its newlines.
    line += prepare_slice(item, slice, line, outcome, take);
    rest.remove_prefix(end);
  } while (!rest.empty());
}

size_t EventPreparer::prepare_slice(const WorkItem& item, std::string_view body, size_t first_line,
                                    BatchOutcome& outcome, const SliceSink& take) {
  // Reused slice after slice: its vector keeps the capacity a slice needs
  // (unless `take` moved the events away).
  DecodeResult& decoded = slice_;
  decoded.events.clear();
  decoded.errors.clear();
  decoded.read = decoded.flagged = decoded.lines = 0;
  decode(item, body, first_line, decoded);
  count_rejections(decoded);
  outcome.read += decoded.read;
  outcome.rejected += decoded.errors.size();
  outcome.accepted += decoded.events.size();
  outcome.flagged += decoded.flagged;
  for (auto& err : decoded.errors) {
    if (outcome.errors.size() >= kMaxReportedErrors) break;
    outcome.errors.push_back(std::move(err));
  }
  for (Event& event : decoded.events) {
    stages_.normalizer->normalize(event);
    if (stages_.enricher) stages_.enricher->enrich(event);
  }
  if (!decoded.events.empty()) take(decoded.events);
  return decoded.lines;
}

void EventPreparer::count_rejections(const DecodeResult& decoded) {
  if (!stages_.metrics) return;
  for (const auto& err : decoded.errors) stages_.metrics->record_rejected(err.reason);
  stages_.metrics->record_accepted(decoded.events.size());
}

EventFinisher::EventFinisher(const Stages& stages, AlertSink& alerts)
    : stages_(stages), alerts_(alerts) {
  if (stages_.metrics != nullptr) processed_.emplace(*stages_.metrics);
}

void EventFinisher::finish(Event& event, StoredEvent* stored) {
  for (const auto& detector : stages_.detectors) detector->on_event(event, alerts_);
  // The process boundary: from here on only the sanitized document exists.
  stages_.sanitizer->sanitize(event.doc);
  if (stored != nullptr) *stored = to_stored(event);
  if (!processed_) return;
  processed_->record(
      stored != nullptr ? std::string_view(stored->event_type) : event_type_text(event),
      event.severity, event.received);
}

void EventFinisher::flush_metrics() {
  if (processed_) processed_->flush();
}

// string_or_empty's text without a copy: the event type of every event.
std::string_view EventFinisher::event_type_text(const Event& event) {
  const Value* v = event_type_.find(event.doc);
  if (v == nullptr) return {};
  if (v->is_string()) return v->as_string();
  event_type_number_ = string_or_empty(v);
  return event_type_number_;
}

void EventFinisher::prefetch(const EntityKey& entity) const {
  if (entity.text.empty()) return;
  for (const auto& detector : stages_.detectors) detector->prefetch(entity.text, entity.hash);
}

StoredEvent EventFinisher::to_stored(const Event& event) {
  StoredEvent s;
  s.time = event.time;
  s.received = event.received;
  s.time_from_receive = event.time_from_receive;
  s.severity = event.severity;
  s.event_type = string_or_empty(event_type_.find(event.doc));
  s.user = string_or_empty(user_.find(event.doc));
  s.source_ip = string_or_empty(source_ip_.find(event.doc));
  write_document(event);
  s.json.assign(json_.data(), json_.size());
  return s;
}

// The sanitized document without any "vigil" the sender wrote: that name is
// vigil's own facts about the event (severity, time source, receive time),
// which the store keeps in columns and adds back under "vigil" whenever it
// hands the document out (store/document_facts.h).
void EventFinisher::write_document(const Event& event) {
  json_.clear();
  JsonObjectWriter doc(json_);
  for (const auto& [key, value] : event.doc.as_object()) {
    if (key != "vigil") doc.field(key, value);
  }
  doc.close();
}

}  // namespace vigil
